using Stream.Core.Scoring;
using Stream.Monitor.Alerts;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>One partition's write in flight, and the batch it commits.</summary>
internal sealed record PendingWrite(EncodedBatch Batch, Task<CommitOutcome> Write);

/// <summary>
/// One flush's writes (one per partition, each sent after the flush's deliveries) and the changes and alerts it published.
/// Flights are queued by flushes and completed, in order, by the consumer thread.
/// </summary>
internal sealed record Flight(PendingWrite[] Writes, IReadOnlyList<StatusChange> Changes, IReadOnlyList<RaisedAlert> Alerts)
{
    /// <summary>Asked at every poll while writes are in the air: no enumerator, no allocation.</summary>
    public bool Written => Array.TrueForAll(Writes, w => w.Write.IsCompleted);

    /// <summary>Blocks until every write has finished, failed or not; the consumer thread looks at each.</summary>
    public void WaitCompleted()
    {
        try
        {
            Task.WaitAll(Writes.Select(w => (Task)w.Write).ToArray());
        }
        catch (AggregateException)
        {
            // Each write's failure is read from the write itself.
        }
    }
}
