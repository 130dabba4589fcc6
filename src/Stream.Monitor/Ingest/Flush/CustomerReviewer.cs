using Microsoft.Extensions.Options;
using Stream.Core.Analytics;
using Stream.Core.Scoring;
using Stream.Monitor.Models;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The review stage: reviews (<see cref="ReviewWalk"/>) every customer the batch's events changed, as of its latest
/// event, and every customer whose review timer is due, at each due day up to the partition's event day. Status
/// changes are collected for publishing; a customer whose review record changed is written with the batch, with
/// its timer when that moved, and the earliest timer sets the partition's event-time timer.
/// </summary>
internal sealed class CustomerReviewer(CurrentModel currentModel, IOptions<AnalyticsOptions> analytics)
{
    public ReviewedBatch Review(AppliedBatch batch)
    {
        var (owner, model, options) = (batch.Owner, currentModel.Model, analytics.Value);
        var today = owner.EventDay;
        var changes = new List<StatusChange>();
        var timers = new List<(string CustomerId, int Day)>();
        var customers = owner.Customers;
        // Reviews may change more customers (timers that fired); those were not changed by events.
        var changedByEvents = customers.Changed.Count;
        for (var i = 0; i < changedByEvents; i++) Review(owner, customers.Changed[i], touched: true, today, model, options, changes, timers, batch.Counts);
        foreach (var entry in batch.DueForReview)
        {
            if (!entry.Changed) Review(owner, entry, touched: false, today, model, options, changes, timers, batch.Counts);
        }
        return new ReviewedBatch(owner, batch.Next, batch.Counts, changes, timers);
    }

    private static void Review(OwnedPartition owner, CustomerEntry entry, bool touched, int? today, PopulationModel? model, AnalyticsOptions options,
        List<StatusChange> changes, List<(string, int)> timers, BatchCounts counts)
    {
        var step = ReviewWalk.Review(entry.CustomerId, entry.State!, touched, today, model, options, changes);
        if (step.Reviewed) counts.CountReview(byTimer: !touched);
        if (step.Updated is not { } review) return;
        if (step.TimerMoved)
        {
            timers.Add((entry.CustomerId, review.TimerDay));
            owner.NoteDue(review.TimerDay);
        }
        owner.Customers.MarkChanged(entry);
    }
}
