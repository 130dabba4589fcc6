using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Core.Alerts;

/// <summary>
/// What a rule's condition found for a customer: where it stands, and the evidence an alert carries (the value
/// read, the threshold that applied to the customer's tier, the window in days). <see cref="Evaluable"/> is false
/// for a rule the state cannot answer (see <see cref="AlertConditions.Evaluate"/>). <see cref="ChangesOnDay"/>: the
/// day the reading changes if no event comes (an absence or an invoice falling due starts to hold; a count's
/// events leave its window), so the alert timer can be set for it.
/// </summary>
public readonly record struct ConditionReading(bool Evaluable, ConditionState State, double? Value, double? Threshold, int? WindowDays, int? ChangesOnDay = null)
{
    public static readonly ConditionReading NotEvaluable = new(false, ConditionState.Clear, null, null, null);

    /// <summary>Clear, with nothing to show: out of scope, no such attribute value, no such activity yet.</summary>
    public static readonly ConditionReading ClearWithoutEvidence = new(true, ConditionState.Clear, null, null, null);
}

/// <summary>Evaluates rule conditions against a customer's state and status as of an event-time day.</summary>
public static class AlertConditions
{
    /// <summary>The events a count rule can count: the windows count these, not single interaction types.</summary>
    public static readonly IReadOnlySet<EventType> CountableEvents = new HashSet<EventType> { EventType.Complaint, EventType.Purchase, EventType.SurveyResponse };

    /// <param name="previous">The status before this review (null: never reviewed); transitions compare it with <paramref name="current"/>.</param>
    /// <remarks>
    /// Not answered, because the state does not keep what they need: counts of single interaction types (the
    /// windows count all interactions together). The rule file refuses them.
    /// </remarks>
    public static ConditionReading Evaluate(AlertRule rule, CustomerState state, int asOfDay, CustomerStatus? previous, CustomerStatus current,
        PopulationModel? model, AnalyticsOptions options) => rule.Kind switch
    {
        AlertRuleKind.Threshold => Threshold(rule, state, asOfDay, current.Tier, model, options),
        AlertRuleKind.Count => Count(rule, state, asOfDay),
        AlertRuleKind.Transition => Transition(rule, previous, current),
        AlertRuleKind.Absence => Absence(rule, state, asOfDay),
        AlertRuleKind.OverduePayment => Overdue(rule, state, asOfDay),
        _ => ConditionReading.NotEvaluable,
    };

    /// <summary>Holds while an invoice is unpaid past its due day plus the grace (whole days); the value is the days the oldest is overdue.</summary>
    private static ConditionReading Overdue(AlertRule rule, CustomerState state, int asOfDay)
    {
        var grace = (int)Math.Ceiling(rule.Grace.TotalDays);
        if (state.Invoices.OldestOpenDueDay() is not { } o) return new ConditionReading(true, ConditionState.Clear, null, grace, null);
        // Overdue from the day after the due day plus the grace.
        var overdueFrom = o + 1 + grace;
        return asOfDay >= overdueFrom
            ? new ConditionReading(true, ConditionState.Holds, asOfDay - o, grace, null)
            : new ConditionReading(true, ConditionState.Clear, asOfDay - o, grace, null, overdueFrom);
    }

    private static ConditionReading Threshold(AlertRule rule, CustomerState state, int asOfDay, ValueTier? tier, PopulationModel? model, AnalyticsOptions options)
    {
        var value = AlertMetrics.Read(rule.Metric!.Value, state, asOfDay, model, options);
        var threshold = rule.Threshold!.For(tier);
        var recover = rule.Recover?.For(tier) ?? threshold;
        var below = rule.Direction == ThresholdDirection.Below;
        // An undefined value (a ratio under its baseline guard, no model) neither fires nor keeps an alert firing.
        var standing = value is not { } v ? ConditionState.Clear
            : below ? (v < threshold ? ConditionState.Holds : v >= recover ? ConditionState.Clear : ConditionState.Between)
            : (v > threshold ? ConditionState.Holds : v <= recover ? ConditionState.Clear : ConditionState.Between);
        return new ConditionReading(true, standing, value, threshold, null);
    }

    private static ConditionReading Count(AlertRule rule, CustomerState state, int asOfDay)
    {
        WindowCounter? counter = rule.Event switch
        {
            EventType.Complaint => WindowCounter.Complaints,
            EventType.Purchase => WindowCounter.Purchases,
            EventType.SurveyResponse when rule.NpsAtMost is null => WindowCounter.NpsAnswers,
            EventType.SurveyResponse when rule.NpsAtMost == ActivityWindows.DetractorNps => WindowCounter.Detractors,
            _ => null,
        };
        if (counter is not { } c) return ConditionReading.NotEvaluable;
        var days = WindowDays(rule.Window);
        // Fewer such events ever than the rule needs: no window can hold enough (most customers, read without a window sum).
        if (state.Count(rule.Event!.Value) < rule.AtLeast) return new ConditionReading(true, ConditionState.Clear, null, rule.AtLeast, days);
        var count = state.Windows.Sum(c, asOfDay, days);
        if (count < rule.AtLeast) return new ConditionReading(true, ConditionState.Clear, count, rule.AtLeast, days);
        // The first later day on which, without new events, too few are left in the window.
        var clears = asOfDay + 1;
        while (clears <= asOfDay + days && state.Windows.Sum(c, clears, days) >= rule.AtLeast) clears++;
        return new ConditionReading(true, ConditionState.Holds, count, rule.AtLeast, days, clears);
    }

    private static ConditionReading Transition(AlertRule rule, CustomerStatus? previous, CustomerStatus current)
    {
        var now = Attribute(rule.Attribute!.Value, current);
        if (now is null || !rule.To.Contains(now)) return ConditionReading.ClearWithoutEvidence;
        var before = previous is { } p ? Attribute(rule.Attribute.Value, p) : null;
        // A move into To from one of From (any value other than To's, when From is empty) fires; staying in To keeps
        // an alert firing but starts none.
        var moved = before is not null && !rule.To.Contains(before) && (rule.From.Count == 0 || rule.From.Contains(before));
        return new ConditionReading(true, moved ? ConditionState.Holds : ConditionState.Between, null, null, null);
    }

    private static ConditionReading Absence(AlertRule rule, CustomerState state, int asOfDay)
    {
        int? lastDay;
        if (rule.AbsenceOf == AbsenceOf.Purchase) lastDay = state.PurchaseDays.DistinctDays > 0 ? state.PurchaseDays.LastDay : null;
        else lastDay = state.LastInteractionAtMs > 0 ? PurchaseDays.DayNumber(state.LastInteractionAtMs) : null;
        if (lastDay is not { } last) return ConditionReading.ClearWithoutEvidence;
        double limit = rule.After is { } after ? after.TotalDays : 0;
        if (rule.TypicalIntervalMultiple is { } k)
        {
            var days = state.PurchaseDays;
            // The customer's own mean interval between purchase days; without two purchase days there is none.
            if (days.DistinctDays < 2) return new ConditionReading(true, ConditionState.Clear, asOfDay - last, null, null);
            limit = Math.Max(limit, k * (days.LastDay - days.FirstDay) / (double)(days.DistinctDays - 1));
        }
        var silent = asOfDay - last;
        return silent > limit
            ? new ConditionReading(true, ConditionState.Holds, silent, limit, null)
            : new ConditionReading(true, ConditionState.Clear, silent, limit, null, last + (int)Math.Floor(limit) + 1);
    }

    private static string? Attribute(TransitionAttribute attribute, CustomerStatus status) => attribute switch
    {
        TransitionAttribute.Segment => status.Segment?.SnakeName(),
        TransitionAttribute.Tier => status.Tier?.SnakeName(),
        _ => status.Stage.SnakeName(),
    };

    private static int WindowDays(TimeSpan window) => Math.Max(1, (int)Math.Ceiling(window.TotalDays));
}
