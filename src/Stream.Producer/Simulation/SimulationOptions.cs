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

    public string Currency { get; init; } = "USD";
}
