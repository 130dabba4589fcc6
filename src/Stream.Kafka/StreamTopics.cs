using Stream.Core.Events;

namespace Stream.Kafka;

/// <summary>The topic of each contract, the dead-letter topic, and the changes and alerts topics. Defaults match the monitor's.</summary>
public sealed record StreamTopics
{
    public string Interactions { get; init; } = "customer.interactions";
    public string Transactions { get; init; } = "customer.transactions";
    public string Profiles { get; init; } = "customer.profiles";
    public string DeadLetter { get; init; } = "customer.events.dlq";

    /// <summary>Status changes the monitor publishes (stage, segment, tier, churn risk).</summary>
    public string Changes { get; init; } = "customer.changes";

    /// <summary>Alerts the monitor publishes (fired, resolved), schemas/v1/customer-alert.schema.json.</summary>
    public string Alerts { get; init; } = "customer.alerts";

    public string For(EventKind kind) => kind switch
    {
        EventKind.Interaction => Interactions,
        EventKind.Transaction => Transactions,
        EventKind.Profile => Profiles,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public IReadOnlyList<string> Inputs => [Interactions, Transactions, Profiles];

    /// <summary>This configuration's instance of an input topic's name (the client hands out a copy per record); other names as given.</summary>
    public string Canonical(string topic) => KindOf(topic) is { } kind ? For(kind) : topic;

    public EventKind? KindOf(string topic) =>
        topic == Interactions ? EventKind.Interaction
        : topic == Transactions ? EventKind.Transaction
        : topic == Profiles ? EventKind.Profile
        : null;
}
