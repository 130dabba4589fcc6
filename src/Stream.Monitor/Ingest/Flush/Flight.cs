using Stream.Core.Scoring;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>One partition's write in flight, and the batch it commits.</summary>
internal sealed record PendingWrite(EncodedBatch Batch, Task<CommitOutcome> Write);

/// <summary>
/// One flush's writes (one per partition, each sent after the flush's deliveries) and the changes it published.
/// Flights are queued by flushes and completed, in order, by the consumer thread.
/// </summary>
internal sealed record Flight(IReadOnlyList<PendingWrite> Writes, IReadOnlyList<StatusChange> Changes)
{
    public bool Written => Writes.All(w => w.Write.IsCompleted);

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
