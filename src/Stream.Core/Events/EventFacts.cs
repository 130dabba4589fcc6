using Stream.Core.State;

namespace Stream.Core.Events;

/// <summary>
/// What customer state takes from one validated event: its fingerprint (for applying re-deliveries once),
/// customer, time, type, amount in units, and the fields of NPS answers and profiles. The pipeline reads
/// these straight from a record (<see cref="EventReader.ReadFacts"/>), validating the whole contract but
/// keeping no object and no strings for what state does not use (event id and invoice id as fingerprints;
/// order id, product category): that was about a quarter of what the pipeline allocated per event (docs/adr/0005).
/// </summary>
public readonly record struct EventFacts
{
    public required ulong Fingerprint { get; init; }
    public required string CustomerId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required EventType Type { get; init; }

    /// <summary>The amount of a transaction in <see cref="Money"/> units; 0 for other events.</summary>
    public long AmountUnits { get; init; }

    public int? Nps { get; init; }

    /// <summary>A payment's invoice, as the fingerprint of its invoiceId (0: none); the invoice's due date.</summary>
    public ulong InvoiceKey { get; init; }
    public DateOnly? DueDate { get; init; }

    public CustomerType? CustomerType { get; init; }
    public string? Industry { get; init; }
    public string? Region { get; init; }
    public DateOnly? SignupDate { get; init; }

    public EventKind Kind => Type.Kind();

    public static EventFacts Of(CustomerEvent ev) => new()
    {
        Fingerprint = RecentEventIds.Fingerprint(ev.EventId),
        CustomerId = ev.CustomerId,
        OccurredAt = ev.OccurredAt,
        Type = ev.Type,
        AmountUnits = ev.Amount is { } amount ? Money.ToUnits(amount) : 0,
        Nps = ev.Nps,
        InvoiceKey = ev.InvoiceId is { } invoice ? RecentEventIds.Fingerprint(invoice) : 0,
        DueDate = ev.DueDate,
        CustomerType = ev.CustomerType,
        Industry = ev.Industry,
        Region = ev.Region,
        SignupDate = ev.SignupDate,
    };
}
