using Stream.Core.Alerts;
using Stream.Core.Analytics;

namespace Stream.Core.Tests.Alerts;

[Trait("Category", "Unit")]
public sealed class AlertLifecycleUnitTests
{
    private const long Hour = 3_600_000;
    private const ConditionState Holds = ConditionState.Holds;
    private const ConditionState Between = ConditionState.Between;
    private const ConditionState Clear = ConditionState.Clear;

    private static AlertRule Rule(TimeSpan forSpan = default, TimeSpan keepFiringFor = default, TimeSpan cooldown = default) => new()
    {
        Id = "r", Kind = AlertRuleKind.Threshold, Severity = AlertSeverity.Warning, For = forSpan, KeepFiringFor = keepFiringFor, Cooldown = cooldown,
        Actions = new Dictionary<ValueTier, string>(), DefaultAction = "act",
    };

    /// <summary>Steps the lifecycle through (time in hours, condition) and returns each transition with its episode's times.</summary>
    private static List<(long AtHour, AlertTransition Transition, long StartedHour, long? WakeHour)> Run(AlertRule rule, params (long Hour, ConditionState Condition)[] steps)
    {
        AlertEpisode? episode = null;
        var seen = new List<(long, AlertTransition, long, long?)>();
        foreach (var (hour, condition) in steps)
        {
            var step = AlertLifecycle.Step(rule, episode, condition, hour * Hour);
            episode = step.Episode;
            seen.Add((hour, step.Transition, (episode?.StartedAtMs ?? -Hour) / Hour, step.WakeAtMs / Hour));
        }
        return seen;
    }

    [Fact]
    public void An_alert_fires_once_its_condition_has_held_for_the_rules_for_at_the_time_it_became_due()
    {
        var rule = Rule(forSpan: TimeSpan.FromHours(24));
        var steps = Run(rule, (10, Holds), (20, Holds), (40, Holds), (50, Holds));
        Assert.Equal([(10, AlertTransition.None, 10, 34), (20, AlertTransition.None, 10, 34), (40, AlertTransition.Fired, 10, null), (50, AlertTransition.None, 10, null)], steps);

        var fired = AlertLifecycle.Step(rule, new AlertEpisode("r", AlertPhase.Pending, 10 * Hour, 0, 0, 0), Holds, 40 * Hour).Episode!.Value;
        Assert.Equal(34 * Hour, fired.FiredAtMs);
    }

    [Fact]
    public void A_pending_alert_that_stops_holding_before_for_is_dropped_without_firing()
    {
        var steps = Run(Rule(forSpan: TimeSpan.FromHours(24)), (10, Holds), (20, Between), (30, Holds));
        Assert.DoesNotContain(steps, s => s.Transition != AlertTransition.None);
        // The second run of holding is a new episode, named by its own start.
        Assert.Equal(30, steps[^1].StartedHour);
    }

    [Fact]
    public void Between_the_threshold_and_the_recovery_a_firing_alert_stays_and_it_resolves_only_when_clear()
    {
        var steps = Run(Rule(), (1, Holds), (2, Between), (3, Between), (4, Clear), (5, Between));
        Assert.Equal([AlertTransition.Fired, AlertTransition.None, AlertTransition.None, AlertTransition.Resolved, AlertTransition.None], steps.Select(s => s.Transition));
    }

    [Fact]
    public void Keep_firing_for_bridges_short_recoveries_and_resolves_at_the_end_of_a_long_one()
    {
        var steps = Run(Rule(keepFiringFor: TimeSpan.FromHours(6)), (0, Holds), (10, Clear), (12, Between), (14, Clear), (19, Clear), (20, Clear));
        Assert.Equal(
            [(0, AlertTransition.Fired, 0, null), (10, AlertTransition.None, 0, 16), (12, AlertTransition.None, 0, null),
             (14, AlertTransition.None, 0, 20), (19, AlertTransition.None, 0, 20), (20, AlertTransition.Resolved, 0, null)],
            steps);
    }

    [Fact]
    public void After_resolving_no_episode_starts_within_the_cooldown_and_one_that_holds_through_it_starts_as_it_ends()
    {
        var rule = Rule(cooldown: TimeSpan.FromHours(48));
        AlertEpisode? e = null;
        e = AlertLifecycle.Step(rule, e, Holds, 0).Episode;
        var resolved = AlertLifecycle.Step(rule, e, Clear, 10 * Hour);
        // Nothing to wake for while nothing holds: the cooling episode is looked at when the customer next is.
        Assert.Equal((AlertTransition.Resolved, (long?)null), (resolved.Transition, resolved.WakeAtMs));

        var during = AlertLifecycle.Step(rule, resolved.Episode, Holds, 20 * Hour);
        Assert.Equal((AlertTransition.None, AlertPhase.Cooling, 58 * Hour), (during.Transition, during.Episode!.Value.Phase, during.WakeAtMs));

        var after = AlertLifecycle.Step(rule, during.Episode, Holds, 58 * Hour);
        Assert.Equal((AlertTransition.Fired, 58 * Hour), (after.Transition, after.Episode!.Value.StartedAtMs));
        Assert.NotEqual(AlertLifecycle.AlertId("c", "r", 0), AlertLifecycle.AlertId("c", "r", after.Episode.Value.StartedAtMs));

        // Clear once the cooldown is over: nothing is kept.
        Assert.Null(AlertLifecycle.Step(rule, during.Episode, Clear, 60 * Hour).Episode);
    }

    [Fact]
    public void Alert_ids_depend_on_customer_rule_and_episode_start_only()
    {
        var id = AlertLifecycle.AlertId("c-1", "churn-risk", 1_700_000_000_000);
        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.Equal(id, AlertLifecycle.AlertId("c-1", "churn-risk", 1_700_000_000_000));
        Assert.NotEqual(id, AlertLifecycle.AlertId("c-2", "churn-risk", 1_700_000_000_000));
        Assert.NotEqual(id, AlertLifecycle.AlertId("c-1", "spend-drop", 1_700_000_000_000));
        Assert.NotEqual(id, AlertLifecycle.AlertId("c-1", "churn-risk", 1_700_000_000_001));
    }
}
