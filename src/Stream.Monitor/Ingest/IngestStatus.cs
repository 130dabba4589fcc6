namespace Stream.Monitor.Ingest;

/// <summary>What the consumer loop reports to health checks and the demo console.</summary>
public sealed class IngestStatus
{
    private long _eventsCommitted;
    private long _batchesCommitted;
    private long _rejected;
    private long _reviews;
    private long _changes;
    private long _firstRecordTimestamp;

    public bool Running { get; internal set; }
    public string? FatalError { get; internal set; }
    public int OwnedPartitions { get; internal set; }
    public int PartitionCount { get; internal set; }
    public DateTimeOffset? LastCommitAt { get; internal set; }

    /// <summary>When the consumer took its first record (<see cref="TimeProvider.GetTimestamp"/> ticks); 0 before.</summary>
    public long FirstRecordTimestamp => Interlocked.Read(ref _firstRecordTimestamp);

    public long EventsCommitted => Interlocked.Read(ref _eventsCommitted);
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long ReviewsCommitted => Interlocked.Read(ref _reviews);
    public long ChangesPublished => Interlocked.Read(ref _changes);

    internal void RecordFirstRecord(long timestamp) => Interlocked.CompareExchange(ref _firstRecordTimestamp, timestamp, 0);

    internal void RecordReviews(long reviews) => Interlocked.Add(ref _reviews, reviews);

    internal void RecordChanges(long changes) => Interlocked.Add(ref _changes, changes);

    internal void RecordCommit(long events, long rejected, DateTimeOffset at)
    {
        Interlocked.Add(ref _eventsCommitted, events);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Increment(ref _batchesCommitted);
        LastCommitAt = at;
    }
}
