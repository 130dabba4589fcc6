using Stream.Core.Events;

namespace Stream.Monitor.Ingest;

/// <summary>Counts of one micro-batch, turned into metrics only once the batch is committed.</summary>
internal sealed class BatchOutcome
{
    public readonly long[] Applied = new long[EventTypes.Count];
    public readonly long[,] Rejected = new long[3, RejectReasons.All.Count];
    public readonly long[] Duplicates = new long[3];
    public readonly long[] Late = new long[3];
    /// <summary>Fingerprints pushed out by the dedupe capacity while still inside the horizon, by contract.</summary>
    public readonly long[] DedupeEvictions = new long[3];
    public readonly List<(long OccurredAtMs, long RecordAtMs)> Latencies = [];
    public int Records;

    /// <summary>Customers reviewed because of their events [0] and because their review timer was due [1].</summary>
    public readonly long[] Reviews = new long[2];

    public long AppliedTotal => Applied.Sum();
    public long RejectedTotal => Rejected.Cast<long>().Sum();
}
