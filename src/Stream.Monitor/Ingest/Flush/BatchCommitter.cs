using Stream.Core.Scoring;
using Stream.Monitor.Alerts;
using Stream.Monitor.Storage;
using Stream.Monitor.Telemetry;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The commit stage: sends each partition's write once the flush's dead letters and changes are delivered (at
/// least once, never lost), as one fenced transaction of states and offsets. Writes go out in flush order, each
/// building on the offsets the previous one wrote.
/// </summary>
internal sealed class BatchCommitter(CustomerStateStore store, PartitionWriteEncoder encoder, IngestMetrics metrics, TimeProvider clock)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    public Flight Commit(IReadOnlyList<EncodedBatch> batches, IReadOnlyList<StatusChange> changes, IReadOnlyList<RaisedAlert> alerts, Task delivered) =>
        new([.. batches.Select(b => new PendingWrite(b, TimedCommit(b.Write, delivered)))], changes, alerts);

    private async Task<CommitOutcome> TimedCommit(PartitionWrite write, Task delivered)
    {
        await delivered.WaitAsync(DeliveryTimeout);
        var started = clock.GetTimestamp();
        var committed = await store.CommitAsync(write);
        metrics.RedisWrite.Observe(clock.GetElapsedTime(started).TotalSeconds);
        encoder.Written(write);
        return committed;
    }
}
