using Microsoft.Extensions.Options;
using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Alerts;
using Stream.Monitor.Models;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The review stage: reviews (<see cref="ReviewWalk"/>) every customer the batch's events changed, as of its latest
/// event, and every customer whose timer is due, at each due day up to the partition's event day; then evaluates the
/// alert rules (<see cref="AlertEvaluator"/>): for a changed customer at its latest event's time, for a due one at
/// each alert wake the watermark has passed. Status changes and alerts are collected for publishing; a customer
/// whose review or alerts changed is written with the batch, with its timer when that moved, and the earliest timer
/// sets the partition's event-time timer.
/// </summary>
internal sealed class CustomerReviewer(CurrentModel currentModel, IOptions<AnalyticsOptions> analytics, AlertRules alertRules)
{
    /// <summary>Bounds one customer's alert wakes per flush; the rest follow at the next.</summary>
    private const int MaxWakes = 16;

    public ReviewedBatch Review(AppliedBatch batch)
    {
        var owner = batch.Owner;
        var review = new Reviewing(owner, batch.Counts, owner.EventDay, owner.EventTimeMs ?? long.MinValue, currentModel.Model, analytics.Value, alertRules.Current);
        var customers = owner.Customers;
        // Reviews may change more customers (timers that fired); those were not changed by events.
        var changedByEvents = customers.Changed.Count;
        for (var i = 0; i < changedByEvents; i++) review.Customer(customers.Changed[i], touched: true);
        foreach (var entry in batch.DueForReview)
        {
            if (!entry.Changed) review.Customer(entry, touched: false);
        }
        return new ReviewedBatch(owner, batch.Next, batch.Counts, review.Changes, review.Alerts, review.Timers);
    }

    private sealed class Reviewing(OwnedPartition owner, BatchCounts counts, int? today, long watermarkMs, PopulationModel? model, AnalyticsOptions options,
        AlertRuleSet rules)
    {
        private readonly List<AlertEvent> _raised = [];

        public List<StatusChange> Changes { get; } = [];
        public List<RaisedAlert> Alerts { get; } = [];
        public List<(string CustomerId, double Days)> Timers { get; } = [];

        public void Customer(CustomerEntry entry, bool touched)
        {
            var state = entry.State!;
            var timerBefore = AlertEvaluator.TimerDays(state);
            var previous = CustomerStatus.Unpack(state.Review.StatusCode);
            var step = ReviewWalk.Review(entry.CustomerId, state, touched, today, model, options, Changes);
            if (step.Reviewed) counts.CountReview(byTimer: !touched);
            var changed = step.Updated is not null;
            if (CustomerStatus.Unpack(state.Review.StatusCode) is { } current && (rules.Rules.Count > 0 || state.Alerts.Episodes.Count > 0))
            {
                changed |= Alert(entry.CustomerId, state, touched, step.Reviewed, previous, current);
            }
            if (changed) owner.Customers.MarkChanged(entry);
            // A due customer's timer is always set again: left as it was, the watermark has passed it and it would be fetched again.
            if (AlertEvaluator.TimerDays(state) is { } timer && (!touched || timer != timerBefore))
            {
                Timers.Add((entry.CustomerId, timer));
                owner.NoteDue(timer);
            }
        }

        private bool Alert(string customerId, CustomerState state, bool touched, bool reviewed, CustomerStatus? previous, CustomerStatus current)
        {
            _raised.Clear();
            bool changed;
            if (touched)
            {
                changed = AlertEvaluator.Evaluate(rules, customerId, state, state.LastEventAtMs, previous, current, model, options, _raised);
            }
            else
            {
                // In event-time order: each wake the watermark has passed, and the review's day if the timer walked
                // the status (transitions compare the status before the walk with the one after).
                changed = false;
                long? reviewAt = reviewed ? Math.Max(state.LastEventAtMs, state.Review.ReviewedDay * PurchaseDays.DayMs) : null;
                for (var i = 0; i < MaxWakes; i++)
                {
                    long? wake = state.Alerts.WakeAtMs is var w && w != 0 && w <= watermarkMs ? w : null;
                    if (reviewAt is { } r && (wake is null || r <= wake))
                    {
                        changed |= AlertEvaluator.Evaluate(rules, customerId, state, r, previous, current, model, options, _raised);
                        reviewAt = null;
                    }
                    else if (wake is { } at) changed |= AlertEvaluator.Evaluate(rules, customerId, state, at, current, current, model, options, _raised);
                    else break;
                }
            }
            foreach (var alert in _raised) Alerts.Add(RaisedAlert.Of(alert, touched ? null : owner.FetchedDueSince));
            return changed;
        }
    }
}
