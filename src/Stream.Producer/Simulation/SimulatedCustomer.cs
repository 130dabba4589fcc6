using Stream.Core.Analytics;
using Stream.Core.Events;

namespace Stream.Producer.Simulation;

/// <summary>The hidden traits one simulated customer's events are drawn from.</summary>
public sealed record SimulatedCustomer(
    string Id,
    ValueTier Tier,
    CustomerType Type,
    string Region,
    string? Industry,
    DateTimeOffset SignupAt,
    double PurchasesPerWeek,
    double OrderValueMedian,
    double InteractionsPerWeek,
    double Satisfaction,
    DateTimeOffset? ChurnStartsAt,
    TimeSpan ChurnHalfLife,
    double OverdueShare);
