using System.Diagnostics.CodeAnalysis;

namespace Stream.Core.Events;

/// <summary>Either a valid event, or the reason (and a human-readable detail) it was rejected.</summary>
public readonly record struct EventParseResult
{
    private EventParseResult(CustomerEvent? ev, RejectReason reason, string? detail)
    {
        Event = ev;
        Reason = reason;
        Detail = detail;
    }

    public CustomerEvent? Event { get; }
    public RejectReason Reason { get; }
    public string? Detail { get; }

    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Detail))]
    public bool IsValid => Event is not null;

    public static EventParseResult Valid(CustomerEvent ev) => new(ev, default, null);

    public static EventParseResult Rejected(RejectReason reason, string detail) => new(null, reason, detail);
}
