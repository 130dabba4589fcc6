using Microsoft.Extensions.Options;
using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Alerts;
using Stream.Monitor.Models;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The review stage, begun for each partition's batch before its events are applied (<see cref="Begin"/>) so that a
/// customer's rules are evaluated in the order of its own events. See <see cref="BatchReview"/>.
/// </summary>
internal sealed class CustomerReviewer(CurrentModel currentModel, IOptions<AnalyticsOptions> analytics, AlertRules alertRules)
{
    public BatchReview Begin(OwnedPartition owner, BatchCounts counts) => new(owner, counts, currentModel.Model, analytics.Value, alertRules.Current);

    public ReviewedBatch Review(AppliedBatch batch) => batch.Review!.Finish(batch);
}

/// <summary>
/// One partition batch's reviews (<see cref="ReviewWalk"/>) and alert evaluations (<see cref="AlertEvaluator"/>), in
/// event time and, for each customer, in the order of its events, so a replay batched differently raises the same
/// alerts:
/// <list type="bullet">
/// <item>before an event is applied, its customer's timers that the event's time has reached fire (the review walk to
/// that day, the alert wakes up to that time);</item>
/// <item>right after it is applied, the rules its type can move are evaluated at the customer's latest event time
/// (<see cref="AlertRuleSet.MovedBy"/>; a customer's first event is reviewed at once, so it has a status);</item>
/// <item>at the batch's end, every customer its events changed is reviewed as of its latest event, and the rules a
/// status moves (<see cref="AlertRuleSet.MovedByStatus"/>) evaluated if that moved its status; then every customer
/// whose timer the partition's watermark has passed walks its due reviews and alert wakes in time order.</item>
/// </list>
/// Status changes and alerts are collected for publishing; a customer whose review or alerts changed is written
/// with the batch, with its timer when that moved, and the earliest timer sets the partition's event-time timer.
/// </summary>
internal sealed class BatchReview(OwnedPartition owner, BatchCounts counts, PopulationModel? model, AnalyticsOptions options, AlertRuleSet rules)
{
    /// <summary>Bounds one customer's alert wakes per walk; the rest follow at the next.</summary>
    private const int MaxWakes = 16;

    private readonly List<AlertEvent> _raised = [];
    private readonly List<StatusChange> _changes = [];
    private readonly List<RaisedAlert> _alerts = [];
    private readonly List<(string CustomerId, double Days)> _timers = [];
    private readonly bool _alerting = rules.Rules.Count > 0;

    /// <summary>Before an event at <paramref name="eventMs"/> is applied: the customer's timers it has reached fire first.</summary>
    public void BeforeEvent(CustomerEntry entry, long eventMs)
    {
        var state = entry.State!;
        if (!entry.Changed) entry.StoredTimerDays = AlertEvaluator.TimerDays(state);
        // An event on a later day than the customer's last: the day before it is reviewed first, so the review days
        // in between are the ones that day's state sets, as if each event had its own batch.
        else if (entry.Unreviewed && PurchaseDays.DayNumber(eventMs) > PurchaseDays.DayNumber(state.LastEventAtMs)) Touched(entry);
        if (!state.Review.Exists || AlertEvaluator.TimerDays(state) is not { } timer || timer * PurchaseDays.DayMs > eventMs) return;
        Due(entry, eventMs, dueSince: null);
    }

    /// <summary>Right after an event is applied: the rules it can move are evaluated at the customer's latest event.</summary>
    public void AfterEvent(CustomerEntry entry, EventType type, long recordAtMs)
    {
        var state = entry.State!;
        if (!state.Review.Exists)
        {
            // The first event: reviewed now, so the rules have a status to scope by.
            Touched(entry);
            return;
        }
        entry.Unreviewed = true;
        if (!_alerting || CustomerStatus.Unpack(state.Review.StatusCode) is not { } current) return;
        var moved = rules.MovedBy(type);
        if (moved.Count == 0) return;
        _raised.Clear();
        AlertEvaluator.Evaluate(rules, moved, entry.CustomerId, state, state.LastEventAtMs, current, current, model, options, _raised);
        Collect(timerLateness: null, recordAtMs);
        // The customer is written with the batch anyway (its event changed it); its timer is written at the end.
    }

    public ReviewedBatch Finish(AppliedBatch batch)
    {
        var customers = owner.Customers;
        var watermarkMs = owner.EventTimeMs ?? long.MinValue;
        // Reviews may change more customers (timers that fired); those were not changed by events.
        var changedByEvents = customers.Changed.Count;
        for (var i = 0; i < changedByEvents; i++)
        {
            var entry = customers.Changed[i];
            if (entry.Unreviewed) Touched(entry);
            // Wakes between its latest event and the watermark are due as well.
            var timer = AlertEvaluator.TimerDays(entry.State!);
            if (timer * PurchaseDays.DayMs <= watermarkMs) Due(entry, watermarkMs, owner.FetchedDueSince);
            else if (timer is { } moved && moved != entry.StoredTimerDays) SetTimer(entry, moved);
        }
        foreach (var entry in batch.DueForReview)
        {
            if (!entry.Changed) Due(entry, watermarkMs, owner.FetchedDueSince);
        }
        return new ReviewedBatch(owner, batch.Next, counts, _changes, _alerts, _timers);
    }

    /// <summary>Reviews a customer as of its latest event; every rule is evaluated there if its status moved.</summary>
    private void Touched(CustomerEntry entry)
    {
        var state = entry.State!;
        entry.Unreviewed = false;
        var previous = CustomerStatus.Unpack(state.Review.StatusCode);
        // As of its latest event's day, not the partition's: the walk beyond that is the timers'.
        var step = ReviewWalk.Review(entry.CustomerId, state, touched: true, PurchaseDays.DayNumber(state.LastEventAtMs), model, options, _changes);
        if (step.Reviewed) counts.CountReview(byTimer: false);
        if (step.Updated is not null) owner.Customers.MarkChanged(entry);
        if (!_alerting || CustomerStatus.Unpack(state.Review.StatusCode) is not { } current || current == previous) return;
        _raised.Clear();
        // A first review evaluates every rule; later ones the rules a status moves.
        var evaluating = previous is null ? rules.EvaluationOrder : rules.MovedByStatus;
        if (AlertEvaluator.Evaluate(rules, evaluating, entry.CustomerId, state, state.LastEventAtMs, previous, current, model, options, _raised)) owner.Customers.MarkChanged(entry);
        Collect(timerLateness: null);
    }

    /// <summary>
    /// A customer whose timer has passed: its due reviews and alert wakes up to <paramref name="untilMs"/>, one at a
    /// time in event-time order, each review one day's step (transitions compare the status before it with the one
    /// after), so where the watermark stands when they are found does not change what they find. Its timer is always
    /// set again: left as it was, it would be found due again.
    /// </summary>
    private void Due(CustomerEntry entry, long untilMs, DateTimeOffset? dueSince)
    {
        var state = entry.State!;
        var changed = false;
        _raised.Clear();
        for (var i = 0; i < MaxWakes; i++)
        {
            var reviewDay = state.Review.Exists ? state.Review.NextReviewDay : int.MaxValue;
            var reviewMs = Math.Max(state.LastEventAtMs, reviewDay * PurchaseDays.DayMs);
            var wakeMs = state.Alerts.WakeAtMs != 0 ? state.Alerts.WakeAtMs : long.MaxValue;
            if (reviewDay != int.MaxValue && reviewDay * PurchaseDays.DayMs <= untilMs && reviewMs <= wakeMs)
            {
                var previous = CustomerStatus.Unpack(state.Review.StatusCode);
                var step = ReviewWalk.Review(entry.CustomerId, state, touched: false, reviewDay, model, options, _changes);
                if (step.Reviewed) counts.CountReview(byTimer: true);
                changed |= step.Updated is not null;
                if (CustomerStatus.Unpack(state.Review.StatusCode) is { } current && (_alerting || state.Alerts.Episodes.Count > 0))
                {
                    // Time moves thresholds; a status moved by it, transitions. (Rules no longer in force are forgotten at any evaluation.)
                    var evaluating = previous is null ? rules.EvaluationOrder : current == previous ? rules.MovedByTime : rules.MovedByTimeAndStatus;
                    changed |= AlertEvaluator.Evaluate(rules, evaluating, entry.CustomerId, state, reviewMs, previous, current, model, options, _raised);
                }
            }
            else if (wakeMs <= untilMs && CustomerStatus.Unpack(state.Review.StatusCode) is { } current)
            {
                changed |= AlertEvaluator.Evaluate(rules, entry.CustomerId, state, wakeMs, current, current, model, options, _raised);
            }
            else break;
        }
        // A review timer that fired before its review was due (events moved the review later) is set for the review.
        if (state.Review.Exists && state.Review.NextReviewDay * PurchaseDays.DayMs > untilMs
            && ReviewWalk.Review(entry.CustomerId, state, touched: false, PurchaseDays.DayNumber(untilMs), model, options, _changes).Updated is not null) changed = true;
        Collect(dueSince);
        if (changed) owner.Customers.MarkChanged(entry);
        if (AlertEvaluator.TimerDays(state) is { } timer) SetTimer(entry, timer);
    }

    private void SetTimer(CustomerEntry entry, double days)
    {
        entry.StoredTimerDays = days;
        _timers.Add((entry.CustomerId, days));
        owner.NoteDue(days);
    }

    private void Collect(DateTimeOffset? timerLateness, long? recordAtMs = null)
    {
        foreach (var alert in _raised) _alerts.Add(RaisedAlert.Of(alert, timerLateness, recordAtMs));
    }
}
