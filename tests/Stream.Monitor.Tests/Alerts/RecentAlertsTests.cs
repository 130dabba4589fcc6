using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Scoring;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>The demo's live view of alerts: counts per rule and the last few fired, newest first.</summary>
[Trait("Category", "Unit")]
public sealed class RecentAlertsTests
{
    private static readonly AlertRule Rule = new()
    {
        Id = "r", Kind = AlertRuleKind.Count, Severity = AlertSeverity.Critical, Actions = new Dictionary<ValueTier, string>(), DefaultAction = "act",
    };

    private static RaisedAlert Alert(string rule, AlertTransition transition, long startedAtMs) =>
        RaisedAlert.Of(AlertEvent.Of("c-1", Rule with { Id = rule }, new AlertEpisode(rule, AlertPhase.Firing, startedAtMs, startedAtMs, 0, startedAtMs + 1),
            transition, new ConditionReading(true, ConditionState.Holds, 3, 3, 30), new CustomerStatus(LifecycleStage.Active, null, ValueTier.Premium, false), null), null);

    [Fact]
    public void It_counts_fired_and_resolved_per_rule_and_keeps_the_last_five_fired_newest_first()
    {
        var recent = new RecentAlerts();
        recent.Record([.. Enumerable.Range(0, 7).Select(i => Alert("a", AlertTransition.Fired, i * 1_000L)), Alert("a", AlertTransition.Resolved, 0)]);
        recent.Record([Alert("b", AlertTransition.Fired, 50_000)]);

        Assert.Equal([("a", 7L, 1L), ("b", 1L, 0L)], recent.ByRule());
        var latest = recent.Latest();
        Assert.Equal(RecentAlerts.Kept, latest.Count);
        Assert.Equal(["b", "a", "a", "a", "a"], latest.Select(a => a.Rule));
        Assert.Equal(AlertLifecycle.AlertId("c-1", "b", 50_000), latest[0].AlertId);
        Assert.Equal("premium", latest[0].Tier);
    }
}
