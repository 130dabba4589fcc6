using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// The latest profile a customer's events described. Last writer wins by (occurredAt, event fingerprint),
/// which makes the result independent of arrival order.
/// </summary>
public sealed record CustomerProfile
{
    public CustomerType CustomerType { get; init; }
    public string? Industry { get; init; }
    public string? Region { get; init; }
    public DateOnly? SignupDate { get; init; }
    public long UpdatedAtMs { get; init; }
    public ulong UpdatedBy { get; init; }

    public bool IsNewerThan(CustomerProfile? other) =>
        other is null || UpdatedAtMs > other.UpdatedAtMs || (UpdatedAtMs == other.UpdatedAtMs && UpdatedBy > other.UpdatedBy);
}
