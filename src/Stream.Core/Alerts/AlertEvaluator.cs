using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Alerts;

/// <summary>
/// Evaluates a rule set for one customer at one moment of event time: reads each rule's condition, applies scope,
/// silences and inhibitions, steps the rule's episode (<see cref="AlertLifecycle"/>) and sets the customer's alert
/// timer for the earliest time an episode or an absence must be looked at again. Fired and resolved alerts are
/// appended to a list. Everything it reads is the state, the status and the time given, so the same events
/// evaluated at the same times give the same alerts.
/// </summary>
public static class AlertEvaluator
{
    /// <param name="previous">The status before the review that led here (transitions compare it with <paramref name="current"/>).</param>
    /// <returns>True when the customer's alert state changed (it must be written).</returns>
    public static bool Evaluate(AlertRuleSet rules, string customerId, CustomerState state, long atMs, CustomerStatus? previous, CustomerStatus current,
        PopulationModel? model, AnalyticsOptions options, List<AlertEvent> events) =>
        Evaluate(rules, rules.EvaluationOrder, customerId, state, atMs, previous, current, model, options, events);

    /// <summary>Evaluates only <paramref name="evaluating"/> (in evaluation order), e.g. the rules an event moved (<see cref="AlertRuleSet.MovedBy"/>).</summary>
    /// <remarks>The others keep their episodes, and their timers: the customer's timer only ever moves earlier here, unless it has passed.</remarks>
    public static bool Evaluate(AlertRuleSet rules, IReadOnlyList<AlertRule> evaluating, string customerId, CustomerState state, long atMs,
        CustomerStatus? previous, CustomerStatus current, PopulationModel? model, AnalyticsOptions options, List<AlertEvent> events)
    {
        var alerts = state.Alerts;
        var changed = false;
        // Episodes of rules no longer in force are forgotten.
        for (var i = alerts.Episodes.Count - 1; i >= 0; i--)
        {
            var ruleId = alerts.Episodes[i].RuleId;
            if (rules.Contains(ruleId)) continue;
            alerts.Set(ruleId, null);
            changed = true;
        }
        var asOfDay = PurchaseDays.DayNumber(atMs);
        long? wake = null;
        for (var r = 0; r < evaluating.Count; r++)
        {
            var rule = evaluating[r];
            var episode = alerts.Find(rule.Id);
            // A transition starts only when the status moves; without an episode and a move there is nothing to step.
            if (rule.Kind == AlertRuleKind.Transition && episode is null && previous == current) continue;
            var reading = InScope(rule.Scope, current, state.Profile)
                ? AlertConditions.Evaluate(rule, state, asOfDay, previous, current, model, options)
                : ConditionReading.ClearWithoutEvidence;
            if (!reading.Evaluable) continue;
            var condition = reading.State;
            if (condition != ConditionState.Clear && Inhibited(rules, rule, current, alerts)) condition = ConditionState.Clear;
            // A silence mutes new episodes (one already firing carries on and resolves as usual); as it ends, the rule is looked at again.
            if (condition == ConditionState.Holds && episode is null && SilencedUntil(rules, rule, customerId, current, atMs) is { } until)
            {
                condition = ConditionState.Between;
                wake = Earliest(wake, until);
            }

            var step = AlertLifecycle.Step(rule, episode, condition, atMs);
            if (step.Episode != episode && alerts.Set(rule.Id, step.Episode)) changed = true;
            if (step.Transition != AlertTransition.None && step.Episode is { } e && alerts.Find(rule.Id) is not null)
            {
                events.Add(AlertEvent.Of(customerId, rule, e, step.Transition, reading, current, CustomerScores.Of(state, asOfDay, model)));
            }
            wake = Earliest(wake, step.WakeAtMs);
            if (reading.ChangesOnDay is { } day) wake = Earliest(wake, day * PurchaseDays.DayMs);
        }

        // An armed timer earlier than needed stays (it fires, finds nothing, and is set again), so a busy customer's
        // timer does not move with every event. One at or before atMs was for this moment: every rule evaluated here
        // has had it, so it goes; but when only some rules were, it is the others' (a review at the instant of their
        // wake, or a late event's evaluation at the customer's latest time) and stays until it fires.
        var armed = alerts.WakeAtMs;
        var all = evaluating.Count == rules.EvaluationOrder.Count;
        var next = (all ? armed > atMs : armed != 0) && (wake is null || armed <= wake) ? armed : wake ?? 0;
        if (next != armed)
        {
            alerts.WakeAtMs = next;
            changed = true;
        }
        return changed;
    }

    /// <summary>When the customer's partition timer must fire: the earlier of the review day and the alert timer, in epoch days (fractional).</summary>
    public static double? TimerDays(CustomerState state)
    {
        double? review = state.Review.Exists ? state.Review.TimerDay : null;
        double? alert = state.Alerts.WakeAtMs != 0 ? state.Alerts.WakeAtMs / (double)PurchaseDays.DayMs : null;
        return review is { } r && alert is { } a ? Math.Min(r, a) : review ?? alert;
    }

    public static bool InScope(AlertScope scope, CustomerStatus status, CustomerProfile? profile) =>
        (scope.Tiers.Count == 0 || status.Tier is { } tier && scope.Tiers.Contains(tier))
        && (scope.Segments.Count == 0 || status.Segment is { } segment && scope.Segments.Contains(segment))
        && (scope.Stages.Count == 0 || scope.Stages.Contains(status.Stage))
        && (scope.CustomerTypes.Count == 0 || scope.CustomerTypes.Contains(profile?.CustomerType ?? CustomerType.Unknown))
        && (scope.Regions.Count == 0 || profile?.Region is { } region && scope.Regions.Contains(region));

    private static bool Inhibited(AlertRuleSet rules, AlertRule rule, CustomerStatus status, CustomerAlerts alerts)
    {
        var inhibitions = rules.Inhibitions;
        for (var n = 0; n < inhibitions.Count; n++)
        {
            var i = inhibitions[n];
            if (i.TargetRuleId != rule.Id) continue;
            if (i.SourceStage is { } stage && status.Stage == stage) return true;
            if (i.SourceRuleId is { } source && alerts.Find(source) is { Phase: AlertPhase.Firing }) return true;
        }
        return false;
    }

    /// <summary>When the last silence that covers the rule for this customer at this time ends; null if none does.</summary>
    private static long? SilencedUntil(AlertRuleSet rules, AlertRule rule, string customerId, CustomerStatus status, long atMs)
    {
        long? until = null;
        var silences = rules.Silences;
        for (var n = 0; n < silences.Count; n++)
        {
            var s = silences[n];
            var end = s.Until.ToUnixTimeMilliseconds();
            if (end > atMs
                && (s.RuleId is null || s.RuleId == rule.Id)
                && (s.Tier is null || s.Tier == status.Tier)
                && (s.Segment is null || s.Segment == status.Segment)
                && (s.CustomerId is null || s.CustomerId == customerId)) until = Math.Max(until ?? end, end);
        }
        return until;
    }

    private static long? Earliest(long? a, long? b) => a is { } x && b is { } y ? Math.Min(x, y) : a ?? b;
}
