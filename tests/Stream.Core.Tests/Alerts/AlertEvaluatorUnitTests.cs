using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Alerts;

[Trait("Category", "Unit")]
public sealed class AlertEvaluatorUnitTests
{
    private const int Start = 20_000;
    private const long DayMs = PurchaseDays.DayMs;
    private static readonly AnalyticsOptions Options = new();
    private static readonly CustomerStatus Active = new(LifecycleStage.Active, null, ValueTier.Growth, false);

    private static readonly AlertRule Complaints = new()
    {
        Id = "complaints", Kind = AlertRuleKind.Count, Severity = AlertSeverity.Critical, Event = EventType.Complaint, Window = TimeSpan.FromDays(30), AtLeast = 3,
        Cooldown = TimeSpan.FromDays(7), Actions = new Dictionary<ValueTier, string> { [ValueTier.Premium] = "call" }, DefaultAction = "email",
    };

    private static readonly AlertRule Quiet = new()
    {
        Id = "quiet", Kind = AlertRuleKind.Absence, Severity = AlertSeverity.Info, AbsenceOf = AbsenceOf.Interaction, After = TimeSpan.FromDays(10),
        Actions = new Dictionary<ValueTier, string>(), DefaultAction = "journey",
    };

    private static List<AlertEvent> Evaluate(AlertRuleSet rules, CustomerState state, long atMs, CustomerStatus? status = null)
    {
        var events = new List<AlertEvent>();
        AlertEvaluator.Evaluate(rules, "c", state, atMs, status ?? Active, status ?? Active, null, Options, events);
        return events;
    }

    private static long At(int day, int hour = 9) => (Start + day) * DayMs + hour * 3_600_000L;

    private static CustomerState ComplaintsOn(params int[] days)
    {
        var state = new CustomerState();
        foreach (var day in days) state.Apply(AlertTestEvents.On(Start + day, EventType.Complaint, $"c{day}"));
        return state;
    }

    [Fact]
    public void A_count_rule_fires_once_with_its_evidence_and_tier_action_and_resolves_when_the_window_empties()
    {
        var rules = new AlertRuleSet([Complaints], [], []);
        var state = ComplaintsOn(0, 1);
        Assert.Empty(Evaluate(rules, state, At(1)));

        state.Apply(AlertTestEvents.On(Start + 2, EventType.Complaint, "c2"));
        var fired = Assert.Single(Evaluate(rules, state, At(2)));
        Assert.Equal((AlertTransition.Fired, At(2), 3.0, 3.0, 30, "email"),
            (fired.Transition, fired.AtMs, fired.Reading.Value!.Value, fired.Reading.Threshold!.Value, fired.Reading.WindowDays!.Value, fired.SuggestedAction));
        Assert.Equal(AlertLifecycle.AlertId("c", "complaints", At(2)), fired.AlertId);
        // Still holding: no second alert.
        Assert.Empty(Evaluate(rules, state, At(3)));

        var resolved = Assert.Single(Evaluate(rules, state, At(31)));
        Assert.Equal((AlertTransition.Resolved, fired.AlertId), (resolved.Transition, resolved.AlertId));
        Assert.Equal(AlertPhase.Cooling, state.Alerts.Find("complaints")!.Value.Phase);
        Assert.Equal(0, state.Alerts.WakeAtMs);
    }

    [Fact]
    public void An_absence_rule_sets_the_timer_for_the_day_silence_passes_its_limit_and_fires_there()
    {
        var rules = new AlertRuleSet([Quiet], [], []);
        var state = new CustomerState();
        state.Apply(AlertTestEvents.On(Start, EventType.PageView, "v"));

        Assert.Empty(Evaluate(rules, state, state.LastEventAtMs));
        // Silent 10 days is within the limit; the 11th day is past it.
        Assert.Equal((Start + 11) * DayMs, state.Alerts.WakeAtMs);

        var fired = Assert.Single(Evaluate(rules, state, state.Alerts.WakeAtMs));
        Assert.Equal((AlertTransition.Fired, (Start + 11) * DayMs, 11.0), (fired.Transition, fired.AtMs, fired.Reading.Value!.Value));

        // An interaction resolves it.
        state.Apply(AlertTestEvents.On(Start + 12, EventType.PageView, "v2"));
        Assert.Equal(AlertTransition.Resolved, Assert.Single(Evaluate(rules, state, state.LastEventAtMs)).Transition);
    }

    [Fact]
    public void A_busy_customers_earlier_timer_stays_rather_than_moving_with_every_event()
    {
        var rules = new AlertRuleSet([Quiet], [], []);
        var state = new CustomerState();
        state.Apply(AlertTestEvents.On(Start, EventType.PageView, "v0"));
        Evaluate(rules, state, state.LastEventAtMs);
        state.Apply(AlertTestEvents.On(Start + 3, EventType.PageView, "v3"));
        Assert.False(AlertEvaluator.Evaluate(rules, "c", state, state.LastEventAtMs, Active, Active, null, Options, []));
        Assert.Equal((Start + 11) * DayMs, state.Alerts.WakeAtMs);

        // It fires early, finds the customer within the limit, and is set for the real day.
        Assert.Empty(Evaluate(rules, state, state.Alerts.WakeAtMs));
        Assert.Equal((Start + 14) * DayMs, state.Alerts.WakeAtMs);
        Assert.Equal(Start + 14, AlertEvaluator.TimerDays(state));
    }

    [Fact]
    public void Out_of_scope_silenced_and_inhibited_customers_start_no_alert()
    {
        var state = ComplaintsOn(0, 1, 2);
        var premiumOnly = Complaints with { Scope = AlertScope.All with { Tiers = new HashSet<ValueTier> { ValueTier.Premium } } };
        Assert.Empty(Evaluate(new AlertRuleSet([premiumOnly], [], []), state, At(2)));

        var silence = new AlertSilence("complaints", ValueTier.Growth, null, null, DateTimeOffset.FromUnixTimeMilliseconds(At(5)), "migration");
        Assert.Empty(Evaluate(new AlertRuleSet([Complaints], [silence], []), state, At(2)));
        // The silence has ended: the condition still holds, so the alert starts.
        Assert.Single(Evaluate(new AlertRuleSet([Complaints], [silence], []), state, At(6)));

        var churned = ComplaintsOn(0, 1, 2);
        var byStage = new AlertInhibition(null, LifecycleStage.Churned, "complaints");
        Assert.Empty(Evaluate(new AlertRuleSet([Complaints], [], [byStage]), churned, At(2), Active with { Stage = LifecycleStage.Churned }));
        Assert.Single(Evaluate(new AlertRuleSet([Complaints], [], [byStage]), churned, At(3)));
    }

    [Fact]
    public void A_firing_source_rule_inhibits_its_target_whatever_their_order_in_the_file()
    {
        var state = ComplaintsOn(0, 1, 2);
        var source = Complaints with { Id = "source" };
        var rules = new AlertRuleSet([Complaints, source], [], [new AlertInhibition("source", null, "complaints")]);
        var fired = Evaluate(rules, state, At(2));
        Assert.Equal(["source"], fired.Select(a => a.Rule.Id));
    }

    [Fact]
    public void Episodes_of_rules_no_longer_in_force_are_forgotten()
    {
        var state = ComplaintsOn(0, 1, 2);
        Evaluate(new AlertRuleSet([Complaints], [], []), state, At(2));
        Assert.True(AlertEvaluator.Evaluate(AlertRuleSet.Empty, "c", state, At(3), Active, Active, null, Options, []));
        Assert.Empty(state.Alerts.Episodes);
    }
}
