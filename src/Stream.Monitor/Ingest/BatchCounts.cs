using Stream.Core.Events;

namespace Stream.Monitor.Ingest;

/// <summary>What one micro-batch of a partition counted, turned into metrics only once the batch is committed.</summary>
internal sealed class BatchCounts
{
    private readonly long[] _applied = new long[EventTypes.Count];
    private readonly long[,] _rejected = new long[3, RejectReasons.All.Count];
    private readonly long[] _duplicates = new long[3];
    private readonly long[] _late = new long[3];
    private readonly long[] _dedupeEvictions = new long[3];

    /// <summary>Records taken into the batch.</summary>
    public int Records { get; private set; }

    private readonly List<(long OccurredAtMs, long RecordAtMs)> _latencies = [];

    /// <summary>Per applied event: its event time and its record time (Unix ms), for the latency histograms.</summary>
    public IReadOnlyList<(long OccurredAtMs, long RecordAtMs)> Latencies => _latencies;

    /// <summary>Customers reviewed because events changed them.</summary>
    public long ReviewsByEvent { get; private set; }

    /// <summary>Customers reviewed because their review timer was due.</summary>
    public long ReviewsByTimer { get; private set; }

    public long AppliedTotal => _applied.Sum();
    public long RejectedTotal => _rejected.Cast<long>().Sum();

    public void CountTaken() => Records++;

    public void CountTaken(int records) => Records += records;

    /// <summary>Makes room for the latencies of up to <paramref name="events"/> events at once.</summary>
    public void ExpectEvents(int events) => _latencies.EnsureCapacity(events);

    public void CountApplied(EventType type, long occurredAtMs, long recordAtMs)
    {
        _applied[(int)type]++;
        _latencies.Add((occurredAtMs, recordAtMs));
    }

    public void CountRejected(EventKind kind, RejectReason reason) => _rejected[(int)kind, (int)reason]++;

    public void CountDuplicate(EventKind kind) => _duplicates[(int)kind]++;

    public void CountLate(EventKind kind) => _late[(int)kind]++;

    /// <summary>A fingerprint pushed out by the dedupe capacity while still inside the horizon, by contract.</summary>
    public void CountDedupeEviction(EventKind kind) => _dedupeEvictions[(int)kind]++;

    public void CountReview(bool byTimer)
    {
        if (byTimer) ReviewsByTimer++;
        else ReviewsByEvent++;
    }

    public long Applied(EventType type) => _applied[(int)type];
    public long Rejected(EventKind kind, RejectReason reason) => _rejected[(int)kind, (int)reason];
    public long Duplicates(EventKind kind) => _duplicates[(int)kind];
    public long Late(EventKind kind) => _late[(int)kind];
    public long DedupeEvictions(EventKind kind) => _dedupeEvictions[(int)kind];
}
