namespace Stream.Core.Events;

/// <summary>
/// One validated event of any contract. The envelope fields are always set; the rest depend on
/// <see cref="Type"/> exactly as the JSON Schemas in <c>schemas/</c> say.
/// </summary>
public sealed record CustomerEvent
{
    public const int CurrentSchemaVersion = 1;

    public required string EventId { get; init; }
    public required string CustomerId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required EventType Type { get; init; }
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public EventKind Kind => Type.Kind();

    // Interaction
    public string? Channel { get; init; }
    public int? DurationSeconds { get; init; }
    public ComplaintCategory? ComplaintCategory { get; init; }
    public bool? Resolved { get; init; }
    public int? Nps { get; init; }

    // Transaction
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public string? OrderId { get; init; }
    public string? InvoiceId { get; init; }
    public DateOnly? DueDate { get; init; }
    public string? ProductCategory { get; init; }
    public int? Quantity { get; init; }
    public decimal? Margin { get; init; }

    // Profile
    public CustomerType? CustomerType { get; init; }
    public string? Industry { get; init; }
    public string? Region { get; init; }
    public DateOnly? SignupDate { get; init; }
}
