using Stream.Core.Analytics;
using Stream.Core.Scoring;

namespace Stream.Core.Alerts;

/// <summary>
/// An alert fired or resolved (schemas/v1/customer-alert.schema.json): what the retention team acts on. It explains
/// itself: the rule and the threshold that applied to the customer's tier, what the condition read, the customer's
/// status and scores as of the event time it happened, and the suggested action for the tier.
/// </summary>
public sealed record AlertEvent(
    string AlertId,
    AlertTransition Transition,
    string CustomerId,
    AlertRule Rule,
    long StartedAtMs,
    long AtMs,
    ConditionReading Reading,
    CustomerStatus Status,
    CustomerScores? Scores)
{
    /// <summary>The fired or resolved event of an episode's transition.</summary>
    public static AlertEvent Of(string customerId, AlertRule rule, AlertEpisode episode, AlertTransition transition, ConditionReading reading,
        CustomerStatus status, CustomerScores? scores) => new(
            AlertLifecycle.AlertId(customerId, rule.Id, episode.StartedAtMs),
            transition,
            customerId,
            rule,
            episode.StartedAtMs,
            transition == AlertTransition.Fired ? episode.FiredAtMs : episode.ResolvedAtMs,
            reading,
            status,
            scores);

    public string SuggestedAction => Rule.ActionFor(Status.Tier);
}
