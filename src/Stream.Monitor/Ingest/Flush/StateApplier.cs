using Microsoft.Extensions.Options;
using Stream.Core.Events;
using Stream.Core.State;
using Stream.Monitor.Configuration;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The apply stage: applies validated events to their customers' loaded states, once each (re-deliveries within
/// the dedupe horizon are counted, not applied), and marks the states changed for writing. Around each event the
/// batch's review fires the customer's timers the event has reached and evaluates the rules it moved.
/// </summary>
internal sealed class StateApplier(IOptions<IngestOptions> options)
{
    private readonly DedupePolicy _dedupe = options.Value.Dedupe;

    /// <summary>Applies one event whose customer is loaded.</summary>
    public void Apply(OwnedPartition owner, BatchCounts counts, CustomerEntry entry, in EventFacts ev, long recordAtMs, BatchReview? review)
    {
        var atMs = ev.OccurredAt.ToUnixTimeMilliseconds();
        review?.BeforeEvent(entry, atMs);
        if (entry.State!.Apply(ev, _dedupe, out var evicted))
        {
            if (evicted) counts.CountDedupeEviction(ev.Kind);
            owner.Customers.MarkChanged(entry);
            review?.AfterEvent(entry, ev.Type, recordAtMs);
            counts.CountApplied(ev.Type, atMs, recordAtMs);
        }
        else
        {
            counts.CountDuplicate(ev.Kind);
        }
    }

    /// <summary>Applies the events that waited for their customers to load, in arrival order.</summary>
    public AppliedBatch ApplyWaiting(LoadedBatch batch)
    {
        var (read, due) = (batch.Timed.Read, batch.Timed.DueForReview);
        foreach (var waiting in read.Waiting) Apply(read.Owner, read.Counts, waiting.Entry, waiting.Event, waiting.RecordAtMs, read.Review);
        return new AppliedBatch(read.Owner, read.Next, read.Counts, due, read.Review);
    }
}
