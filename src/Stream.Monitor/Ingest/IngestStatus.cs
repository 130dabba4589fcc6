namespace Stream.Monitor.Ingest;

/// <summary>What the consumer loop reports to health checks and the demo console.</summary>
public sealed class IngestStatus
{
    private long _eventsCommitted;
    private long _batchesCommitted;
    private long _rejected;
    private long _reviews;
    private long _changes;
    private long _alerts;
    private long _firstRecordTimestamp;
    private long _recordsTaken;

    public bool Running { get; private set; }
    public string? FatalError { get; private set; }
    public int OwnedPartitions { get; private set; }
    public int PartitionCount { get; private set; }
    public DateTimeOffset? LastCommitAt { get; private set; }

    internal void RecordStart(int partitions) => PartitionCount = partitions;

    internal void RecordRunning(bool running) => Running = running;

    /// <summary>The partition numbers this instance owns now (replaced whole on each change, so readers on any thread see one set).</summary>
    public IReadOnlyList<int> Owned { get; private set; } = [];

    internal void RecordOwned(IReadOnlyCollection<int> partitions)
    {
        Owned = [.. partitions.Order()];
        OwnedPartitions = partitions.Count;
    }

    /// <summary>The first fatal error (a configuration fault) is the one reported.</summary>
    internal void RecordFatal(string message) => FatalError ??= message;

    /// <summary>When the consumer took its first record (<see cref="TimeProvider.GetTimestamp"/> ticks); 0 before.</summary>
    public long FirstRecordTimestamp => Interlocked.Read(ref _firstRecordTimestamp);

    /// <summary>Records the consumer has taken into batches (valid or not, before dedupe); committed or not yet.</summary>
    public long RecordsTaken => Interlocked.Read(ref _recordsTaken);

    public long EventsCommitted => Interlocked.Read(ref _eventsCommitted);
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long ReviewsCommitted => Interlocked.Read(ref _reviews);
    public long ChangesPublished => Interlocked.Read(ref _changes);

    /// <summary>Alerts (fired and resolved) published by committed flushes.</summary>
    public long AlertsPublished => Interlocked.Read(ref _alerts);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _failing = new();

    /// <summary>Partition numbers whose last writes failed, with how many failed in a row; a commit clears one.</summary>
    public IReadOnlyDictionary<int, int> FailingPartitions => _failing;

    internal int RecordPartitionFailure(int partition) => _failing.AddOrUpdate(partition, 1, (_, n) => n + 1);

    /// <summary>The partition committed, or is no longer this instance's; true when it was failing.</summary>
    internal bool ClearPartitionFailures(int partition) => !_failing.IsEmpty && _failing.TryRemove(partition, out _);

    internal void RecordFirstRecord(long timestamp) => Interlocked.CompareExchange(ref _firstRecordTimestamp, timestamp, 0);

    internal void RecordTaken(int records) => Interlocked.Add(ref _recordsTaken, records);

    internal void RecordReviews(long reviews) => Interlocked.Add(ref _reviews, reviews);

    internal void RecordChanges(long changes) => Interlocked.Add(ref _changes, changes);

    internal void RecordAlerts(long alerts) => Interlocked.Add(ref _alerts, alerts);

    internal void RecordCommit(long events, long rejected, DateTimeOffset at)
    {
        Interlocked.Add(ref _eventsCommitted, events);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Increment(ref _batchesCommitted);
        LastCommitAt = at;
    }
}
