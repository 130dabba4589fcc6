using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Monitor.Alerts;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

// What each flush stage hands the next, in the order of FlushPipeline.Flush. Every one carries its partition, the
// offsets the batch reaches (Next) and its counts, which are reported once the batch is committed.

/// <summary>The records a partition took since its last flush (the take stage: <see cref="BatchIntake.Detach"/>).</summary>
internal sealed record TakenBatch(OwnedPartition Owner, List<ConsumedRecord> Records, IReadOnlyDictionary<string, long> Next, BatchCounts Counts);

/// <summary>A taken batch with, per record, the customer its key names, loaded (null: no valid key).</summary>
internal sealed record KeyedBatch(TakenBatch Taken, IReadOnlyList<CustomerEntry?> EntryByKey);

/// <summary>
/// A batch read and validated: invalid records dead-lettered, the events of loaded customers applied, and the
/// events whose customer was not loaded yet waiting, in arrival order.
/// </summary>
internal sealed record ReadBatch(OwnedPartition Owner, IReadOnlyDictionary<string, long> Next, BatchCounts Counts, List<WaitingEvent> Waiting, BatchReview? Review);

/// <summary>An event whose customer's state is not loaded yet.</summary>
internal readonly record struct WaitingEvent(CustomerEntry Entry, EventFacts Event, long RecordAtMs);

/// <summary>A read batch with the customers whose review timers event time has reached (queued for loading when not cached).</summary>
internal sealed record TimedBatch(ReadBatch Read, IReadOnlyList<CustomerEntry> DueForReview);

/// <summary>A timed batch once every customer it names is loaded.</summary>
internal sealed record LoadedBatch(TimedBatch Timed);

/// <summary>Every event of the batch applied; the customers due for review still to review, and the batch's review so far.</summary>
internal sealed record AppliedBatch(OwnedPartition Owner, IReadOnlyDictionary<string, long> Next, BatchCounts Counts, IReadOnlyList<CustomerEntry> DueForReview,
    BatchReview? Review);

/// <summary>Reviewed: the status changes found, the alerts raised, and the customer timers to write (customer, epoch days).</summary>
internal sealed record ReviewedBatch(OwnedPartition Owner, IReadOnlyDictionary<string, long> Next, BatchCounts Counts,
    List<StatusChange> Changes, List<RaisedAlert> Alerts, List<(string CustomerId, double Days)> TimerUpdates);

/// <summary>The Redis write of a reviewed batch, encoded.</summary>
internal sealed record EncodedBatch(OwnedPartition Owner, IReadOnlyDictionary<string, long> Next, BatchCounts Counts, PartitionWrite Write);
