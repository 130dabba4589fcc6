using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The timer stage: fetches, for partitions whose event-time clock says timers may be due, the customers whose
/// timers (reviews, alert wakes) the watermark has reached (from the partition's <c>due</c> sorted set), and queues those not
/// cached for loading. The previous flush's writes may still wait for their Kafka deliveries: a timer they set
/// is then missed by this fetch and found by a later one (reviews walk the due days, so changes keep their days).
/// </summary>
internal sealed class ReviewTimers(CustomerStateStore store)
{
    /// <summary>Most timers one partition fetches per flush; more wait for the next flush.</summary>
    public const int MaxPerFlush = 20_000;

    public TimedBatch[] Fetch(IReadOnlyList<ReadBatch> batches)
    {
        var fetching = batches.Select(b => b.Owner.CanFetchReviews ? store.FetchDueAsync(b.Owner.Number, b.Owner.EventTimeMs!.Value / (double)Core.State.PurchaseDays.DayMs, MaxPerFlush) : null).ToList();
        Task.WaitAll(fetching.OfType<Task>().ToArray());
        var timed = new TimedBatch[batches.Count];
        for (var i = 0; i < batches.Count; i++)
        {
            var owner = batches[i].Owner;
            if (fetching[i] is not { } fetch)
            {
                timed[i] = new TimedBatch(batches[i], []);
                continue;
            }
            var (due, more, nextAfter) = fetch.Result;
            owner.ReviewsFetched(more, nextAfter);
            timed[i] = new TimedBatch(batches[i], [.. due.Select(owner.Customers.Entry)]);
        }
        return timed;
    }
}
