using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Alerts;

[Trait("Category", "Unit")]
public sealed class AlertConditionsUnitTests
{
    private const int Start = 20_000;
    private static readonly AnalyticsOptions Options = new();
    private static readonly CustomerStatus Active = new(LifecycleStage.Active, null, null, false);

    private static AlertRule Rule(AlertRuleKind kind) => new()
    {
        Id = "r", Kind = kind, Severity = AlertSeverity.Warning, Actions = new Dictionary<ValueTier, string>(), DefaultAction = "act",
    };

    [Fact]
    public void A_threshold_holds_past_its_tiers_value_is_between_until_the_recovery_value_and_clear_beyond()
    {
        var rule = Rule(AlertRuleKind.Threshold) with
        {
            Metric = AlertMetric.Purchases30d,
            Direction = ThresholdDirection.Above,
            Threshold = new TierValues<double>(2, new Dictionary<ValueTier, double> { [ValueTier.Premium] = 4 }),
            Recover = new TierValues<double>(1, new Dictionary<ValueTier, double> { [ValueTier.Premium] = 3 }),
        };
        ConditionReading Read(int purchases, ValueTier? tier) =>
            AlertConditions.Evaluate(rule, Purchases(purchases), Start + 29, null, Active with { Tier = tier }, null, Options);

        Assert.Equal((ConditionState.Holds, 3.0, 2.0), (Read(3, null).State, Read(3, null).Value!.Value, Read(3, null).Threshold!.Value));
        Assert.Equal(ConditionState.Between, Read(2, null).State);
        Assert.Equal(ConditionState.Clear, Read(1, null).State);
        // Premium has its own threshold and recovery.
        Assert.Equal(ConditionState.Between, Read(4, ValueTier.Premium).State);
        Assert.Equal(ConditionState.Holds, Read(5, ValueTier.Premium).State);
        Assert.Equal(ConditionState.Clear, Read(3, ValueTier.Premium).State);
    }

    [Fact]
    public void An_undefined_metric_never_holds()
    {
        var rule = Rule(AlertRuleKind.Threshold) with
        {
            Metric = AlertMetric.PAlive, Direction = ThresholdDirection.Below, Threshold = new TierValues<double>(0.3, new Dictionary<ValueTier, double>()),
        };
        Assert.Equal(ConditionState.Clear, AlertConditions.Evaluate(rule, Purchases(3), Start + 29, null, Active, model: null, Options).State);
    }

    [Fact]
    public void A_count_holds_while_the_window_has_enough_events()
    {
        var rule = Rule(AlertRuleKind.Count) with { Event = EventType.Complaint, Window = TimeSpan.FromDays(30), AtLeast = 3 };
        var state = new CustomerState();
        foreach (var day in new[] { 0, 10, 20 }) state.Apply(AlertTestEvents.On(Start + day, EventType.Complaint, $"c{day}"));

        var holding = AlertConditions.Evaluate(rule, state, Start + 25, null, Active, null, Options);
        // Without new complaints, the first leaves the 30-day window on day 30.
        Assert.Equal((ConditionState.Holds, Start + 30), (holding.State, holding.ChangesOnDay!.Value));
        // Day 0 left the 30-day window.
        var later = AlertConditions.Evaluate(rule, state, Start + 30, null, Active, null, Options);
        Assert.Equal((ConditionState.Clear, 2.0, 30), (later.State, later.Value!.Value, later.WindowDays!.Value));
    }

    [Fact]
    public void A_transition_holds_on_the_move_into_its_targets_only()
    {
        var rule = Rule(AlertRuleKind.Transition) with
        {
            Attribute = TransitionAttribute.Segment, From = new HashSet<string> { "champions", "loyal" }, To = new HashSet<string> { "at_risk", "cant_lose" },
        };
        ConditionState Move(RfmSegment? from, RfmSegment to) =>
            AlertConditions.Evaluate(rule, new CustomerState(), Start, from is null ? null : Active with { Segment = from }, Active with { Segment = to }, null, Options).State;

        Assert.Equal(ConditionState.Holds, Move(RfmSegment.Champions, RfmSegment.CantLose));
        Assert.Equal(ConditionState.Holds, Move(RfmSegment.Loyal, RfmSegment.AtRisk));
        Assert.Equal(ConditionState.Between, Move(RfmSegment.AtRisk, RfmSegment.CantLose));
        // From a segment the rule does not name: in the targets, but no move to alert on.
        Assert.Equal(ConditionState.Between, Move(RfmSegment.Hibernating, RfmSegment.AtRisk));
        Assert.Equal(ConditionState.Clear, Move(RfmSegment.AtRisk, RfmSegment.Loyal));
        Assert.Equal(ConditionState.Between, Move(null, RfmSegment.AtRisk));
    }

    [Fact]
    public void Absence_holds_once_silence_passes_both_the_fixed_period_and_k_times_the_customers_own_interval()
    {
        var rule = Rule(AlertRuleKind.Absence) with { AbsenceOf = AbsenceOf.Purchase, After = TimeSpan.FromDays(20), TypicalIntervalMultiple = 3 };
        var state = new CustomerState();
        foreach (var day in new[] { 0, 10, 20 }) state.Apply(AlertTestEvents.On(Start + day, EventType.Purchase, $"p{day}"));

        // Mean interval 10 days: silent for more than 30 days (the larger of 20 and 3 × 10).
        var at50 = AlertConditions.Evaluate(rule, state, Start + 50, null, Active, null, Options);
        Assert.Equal((ConditionState.Clear, 30.0, 30.0), (at50.State, at50.Value!.Value, at50.Threshold!.Value));
        Assert.Equal(ConditionState.Holds, AlertConditions.Evaluate(rule, state, Start + 51, null, Active, null, Options).State);
    }

    [Fact]
    public void Interaction_absence_finds_the_last_interaction_day()
    {
        var rule = Rule(AlertRuleKind.Absence) with { AbsenceOf = AbsenceOf.Interaction, After = TimeSpan.FromDays(14) };
        var state = new CustomerState();
        foreach (var day in new[] { 0, 5, 12 }) state.Apply(AlertTestEvents.On(Start + day, EventType.Login, $"l{day}"));

        var at26 = AlertConditions.Evaluate(rule, state, Start + 26, null, Active, null, Options);
        Assert.Equal((ConditionState.Clear, 14.0), (at26.State, at26.Value!.Value));
        Assert.Equal(ConditionState.Holds, AlertConditions.Evaluate(rule, state, Start + 27, null, Active, null, Options).State);
    }

    [Fact]
    public void A_detractor_count_counts_only_answers_of_six_or_less()
    {
        var detractors = Rule(AlertRuleKind.Count) with { Event = EventType.SurveyResponse, NpsAtMost = 6, Window = TimeSpan.FromDays(1), AtLeast = 1 };
        var state = new CustomerState();
        state.Apply(Survey(Start, 9, "promoter"));
        Assert.Equal(ConditionState.Clear, AlertConditions.Evaluate(detractors, state, Start, null, Active, null, Options).State);
        state.Apply(Survey(Start, 6, "detractor"));
        Assert.Equal((ConditionState.Holds, 1.0), Read(AlertConditions.Evaluate(detractors, state, Start, null, Active, null, Options)));
        Assert.Equal(ConditionState.Clear, AlertConditions.Evaluate(detractors, state, Start + 1, null, Active, null, Options).State);
    }

    [Fact]
    public void An_invoice_is_overdue_from_the_day_after_its_due_day_plus_the_grace_until_it_is_paid_in_any_order()
    {
        var rule = Rule(AlertRuleKind.OverduePayment) with { Grace = TimeSpan.FromDays(5) };
        var state = new CustomerState();
        state.Apply(Payment(EventType.PaymentDue, Start, "inv-1", dueDay: Start + 10));
        var before = AlertConditions.Evaluate(rule, state, Start + 15, null, Active, null, Options);
        Assert.Equal((ConditionState.Clear, Start + 16), (before.State, before.ChangesOnDay!.Value));
        Assert.Equal((ConditionState.Holds, 6.0), Read(AlertConditions.Evaluate(rule, state, Start + 16, null, Active, null, Options)));

        // Another invoice's payment settles nothing; this one's does.
        state.Apply(Payment(EventType.PaymentReceived, Start + 17, "inv-2"));
        Assert.Equal(ConditionState.Holds, AlertConditions.Evaluate(rule, state, Start + 17, null, Active, null, Options).State);
        state.Apply(Payment(EventType.PaymentReceived, Start + 18, "inv-1"));
        Assert.Equal(ConditionState.Clear, AlertConditions.Evaluate(rule, state, Start + 18, null, Active, null, Options).State);

        // A payment that arrives before its bill (out of order) settles it all the same.
        var reordered = new CustomerState();
        reordered.Apply(Payment(EventType.PaymentReceived, Start + 18, "inv-1"));
        reordered.Apply(Payment(EventType.PaymentDue, Start, "inv-1", dueDay: Start + 10));
        Assert.Equal(ConditionState.Clear, AlertConditions.Evaluate(rule, reordered, Start + 30, null, Active, null, Options).State);
    }

    [Fact]
    public void Counts_of_single_interaction_types_are_not_answered()
    {
        var logins = Rule(AlertRuleKind.Count) with { Event = EventType.Login, Window = TimeSpan.FromDays(1), AtLeast = 1 };
        Assert.False(AlertConditions.Evaluate(logins, new CustomerState(), Start, null, Active, null, Options).Evaluable);
    }

    private static (ConditionState, double) Read(ConditionReading reading) => (reading.State, reading.Value!.Value);

    private static CustomerEvent Survey(int day, int nps, string id) => AlertTestEvents.On(day, EventType.SurveyResponse, id) with { Nps = nps };

    private static CustomerEvent Payment(EventType type, int day, string invoice, int? dueDay = null) =>
        AlertTestEvents.On(day, type, $"{type}-{invoice}") with
        {
            InvoiceId = invoice, Amount = 10m, Currency = "USD", DueDate = dueDay is { } d ? EpochDays.ToDate(d) : null,
        };

    private static CustomerState Purchases(int n)
    {
        var state = new CustomerState();
        for (var i = 0; i < n; i++) state.Apply(AlertTestEvents.On(Start + i, EventType.Purchase, $"p{i}"));
        return state;
    }
}
