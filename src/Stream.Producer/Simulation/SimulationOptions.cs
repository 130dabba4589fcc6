namespace Stream.Producer.Simulation;

public sealed record SimulationOptions
{
    public int Customers { get; init; } = 1_000;
    public int Seed { get; init; } = 42;

    /// <summary>Event time of the first signup; every event falls in [Start, Start + Span].</summary>
    public required DateTimeOffset Start { get; init; }
    public TimeSpan Span { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Share of customers whose activity decays toward churn during the span.</summary>
    public double ChurnShare { get; init; } = 0.2;

    /// <summary>Share of records made deliberately invalid (each kind of fault in turn), to exercise the dead-letter path.</summary>
    public double InvalidShare { get; init; }

    /// <summary>Share of valid events sent twice (same eventId), as an at-least-once upstream would.</summary>
    public double DuplicateShare { get; init; }

    /// <summary>
    /// Share of records followed by a re-delivery of an earlier valid event (same bytes), picked from a pool of
    /// <see cref="FarDuplicateWindow"/> earlier valid records (each new one replaces a random one once it is full):
    /// an upstream that re-sends after a reconnect, minutes later.
    /// Marked <see cref="SimulatedRecord.IsDuplicate"/>, though one whose customer has moved on past the dedupe
    /// horizon in event time is applied again.
    /// </summary>
    public double FarDuplicateShare { get; init; }

    public int FarDuplicateWindow { get; init; } = 5_000;

    /// <summary>Share of records sent out of order, after up to <see cref="LateBy"/> later records: late, once past the allowed lateness.</summary>
    public double LateShare { get; init; }

    public int LateBy { get; init; } = 20_000;

    public string Currency { get; init; } = "USD";
}
