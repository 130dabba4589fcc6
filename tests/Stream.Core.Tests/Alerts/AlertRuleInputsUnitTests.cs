using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Alerts;

/// <summary>
/// The rules an event is evaluated for right after it is applied: those whose condition its type can move, with the
/// rules they inhibit; evaluating only those leaves the other rules' episodes and timers as they were.
/// </summary>
[Trait("Category", "Unit")]
public sealed class AlertRuleInputsUnitTests
{
    private static AlertRule Rule(string id, AlertRuleKind kind) => new()
    {
        Id = id, Kind = kind, Severity = AlertSeverity.Warning, Actions = new Dictionary<ValueTier, string>(), DefaultAction = "act",
    };

    private static readonly AlertRule Engagement = Rule("engagement", AlertRuleKind.Threshold) with
    {
        Metric = AlertMetric.EngagementRatio, Direction = ThresholdDirection.Below, Threshold = new TierValues<double>(0.5, new Dictionary<ValueTier, double>()),
    };

    private static readonly AlertRule Spend = Rule("spend", AlertRuleKind.Threshold) with
    {
        Metric = AlertMetric.SpendRatio, Direction = ThresholdDirection.Below, Threshold = new TierValues<double>(0.4, new Dictionary<ValueTier, double>()),
    };

    private static readonly AlertRule Complaints = Rule("complaints", AlertRuleKind.Count) with { Event = EventType.Complaint, Window = TimeSpan.FromDays(30), AtLeast = 3 };
    private static readonly AlertRule SilentBuyer = Rule("silent-buyer", AlertRuleKind.Absence) with { AbsenceOf = AbsenceOf.Purchase, After = TimeSpan.FromDays(30) };
    private static readonly AlertRule Quiet = Rule("quiet", AlertRuleKind.Absence) with { AbsenceOf = AbsenceOf.Interaction, After = TimeSpan.FromDays(10) };
    private static readonly AlertRule Overdue = Rule("overdue", AlertRuleKind.OverduePayment) with { Grace = TimeSpan.FromDays(3) };
    private static readonly AlertRule Dormant = Rule("dormant", AlertRuleKind.Transition) with
    {
        Attribute = TransitionAttribute.Stage, From = new HashSet<string> { "active" }, To = new HashSet<string> { "dormant" },
    };

    private static readonly AlertRuleSet Rules = new([Engagement, Spend, Complaints, SilentBuyer, Quiet, Overdue, Dormant], [],
        // An overdue payment silences spend drops; a dormant customer gets no complaint alerts.
        [new AlertInhibition("overdue", null, "spend"), new AlertInhibition("dormant", null, "complaints")]);

    private static string[] Ids(IReadOnlyList<AlertRule> rules) => [.. rules.Select(r => r.Id)];

    [Fact]
    public void Each_event_type_moves_the_rules_that_read_it_and_the_rules_those_inhibit()
    {
        Assert.Equal(["engagement", "quiet"], Ids(Rules.MovedBy(EventType.PageView)));
        // A complaint is an interaction too.
        Assert.Equal(["engagement", "quiet", "complaints"], Ids(Rules.MovedBy(EventType.Complaint)));
        Assert.Equal(["silent-buyer", "spend"], Ids(Rules.MovedBy(EventType.Purchase)));
        Assert.Equal(["spend"], Ids(Rules.MovedBy(EventType.Refund)));
        // The overdue rule inhibits spend drops, so a payment moves those as well.
        Assert.Equal(["overdue", "spend"], Ids(Rules.MovedBy(EventType.PaymentReceived)));
        // A profile update can move any rule's scope.
        Assert.Equal(Ids(Rules.EvaluationOrder), Ids(Rules.MovedBy(EventType.ProfileUpdated)));
        // A status change moves transitions and what they inhibit.
        Assert.Equal(["dormant", "complaints"], Ids(Rules.MovedByStatus));
    }

    [Fact]
    public void Evaluating_only_the_rules_an_event_moved_loses_no_other_rules_timer()
    {
        const int start = 20_000;
        const long dayMs = PurchaseDays.DayMs;
        var (status, options) = (new CustomerStatus(LifecycleStage.Active, null, null, false), new AnalyticsOptions());
        var rules = new AlertRuleSet([Quiet, SilentBuyer], [], []);
        var events = new List<AlertEvent>();
        var state = new CustomerState();
        state.Apply(AlertTestEvents.On(start, EventType.Purchase, "p1"));
        AlertEvaluator.Evaluate(rules, "c", state, state.LastEventAtMs, status, status, null, options, events);
        Assert.Equal((start + 31) * dayMs, state.Alerts.WakeAtMs);

        // A page view moves the quiet rule alone, whose timer is earlier: it replaces the silent buyer's for now.
        state.Apply(AlertTestEvents.On(start + 1, EventType.PageView, "v1"));
        Assert.Equal(["quiet"], Ids(rules.MovedBy(EventType.PageView)));
        AlertEvaluator.Evaluate(rules, rules.MovedBy(EventType.PageView), "c", state, state.LastEventAtMs, status, status, null, options, events);
        Assert.Equal((start + 12) * dayMs, state.Alerts.WakeAtMs);

        // At that timer every rule is evaluated: the quiet alert fires, and the silent buyer's timer is back.
        AlertEvaluator.Evaluate(rules, "c", state, state.Alerts.WakeAtMs, status, status, null, options, events);
        Assert.Equal(("quiet", AlertTransition.Fired), (Assert.Single(events).Rule.Id, events[0].Transition));
        Assert.Equal((start + 31) * dayMs, state.Alerts.WakeAtMs);
    }

    [Fact]
    public void Evaluating_some_rules_at_the_instant_of_the_timer_leaves_the_timer_for_the_others()
    {
        const int start = 20_000;
        const long dayMs = PurchaseDays.DayMs;
        var (status, options) = (new CustomerStatus(LifecycleStage.Active, null, null, false), new AnalyticsOptions());
        var rules = new AlertRuleSet([Quiet, Dormant], [], []);
        var events = new List<AlertEvent>();
        var state = new CustomerState();
        state.Apply(AlertTestEvents.On(start, EventType.PageView, "v1"));
        AlertEvaluator.Evaluate(rules, "c", state, state.LastEventAtMs, status, status, null, options, events);
        var wake = state.Alerts.WakeAtMs;
        Assert.Equal((start + 11) * dayMs, wake);

        // A review due at that very moment evaluates the transitions alone (the status did not move): the quiet rule's
        // timer has not fired yet, so it stays.
        AlertEvaluator.Evaluate(rules, rules.MovedByStatus, "c", state, wake, status, status, null, options, events);
        Assert.Equal(wake, state.Alerts.WakeAtMs);
        Assert.Empty(events);

        // Evaluating every rule there is the timer firing: the alert fires and nothing is left to wake for.
        AlertEvaluator.Evaluate(rules, "c", state, wake, status, status, null, options, events);
        Assert.Equal(("quiet", AlertTransition.Fired), (Assert.Single(events).Rule.Id, events[0].Transition));
        Assert.NotEqual(wake, state.Alerts.WakeAtMs);
    }
}
