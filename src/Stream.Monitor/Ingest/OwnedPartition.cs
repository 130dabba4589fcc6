using Confluent.Kafka;
using Stream.Core.State;
using Stream.Core.Time;
using Stream.Monitor.Configuration;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest;

/// <summary>
/// One partition number (across all input topics) owned by this instance: its fencing epoch, the
/// customer states it has loaded, the records waiting for the next write, and per-topic progress.
/// Touched only by the consumer thread.
/// </summary>
internal sealed class OwnedPartition
{
    private readonly IngestOptions _options;

    public OwnedPartition(PartitionClaim claim, IngestOptions options, DateTimeOffset wallNow)
    {
        _options = options;
        Number = claim.Partition;
        Epoch = claim.Epoch;
        foreach (var (topic, next) in claim.NextOffsets) CommittedNext[topic] = next;
        foreach (var (topic, ms) in claim.WatermarksMs)
            Watermark(topic, wallNow).Restore(DateTimeOffset.FromUnixTimeMilliseconds(ms), wallNow);
    }

    public int Number { get; }
    public long Epoch { get; }

    public Dictionary<string, CustomerState> Cache { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Dirty { get; } = new(StringComparer.Ordinal);
    public List<ConsumeResult<byte[]?, byte[]?>> Pending { get; } = [];

    /// <summary>Next offset per topic as last committed to Redis.</summary>
    public Dictionary<string, long> CommittedNext { get; } = new(StringComparer.Ordinal);

    /// <summary>Next offset per topic once <see cref="Pending"/> is committed.</summary>
    public Dictionary<string, long> PendingNext { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PartitionWatermark> Watermarks { get; } = new(StringComparer.Ordinal);

    public PartitionWatermark Watermark(string topic, DateTimeOffset wallNow)
    {
        if (!Watermarks.TryGetValue(topic, out var wm))
        {
            wm = new PartitionWatermark(_options.AllowedLateness, _options.IdleAfter);
            wm.Restore(DateTimeOffset.MinValue, wallNow);
            Watermarks[topic] = wm;
        }
        return wm;
    }

    /// <summary>False for a record at or before what is already committed (a re-read after a seek).</summary>
    public bool Accept(ConsumeResult<byte[]?, byte[]?> record)
    {
        var next = PendingNext.TryGetValue(record.Topic, out var pending) ? pending
            : CommittedNext.TryGetValue(record.Topic, out var committed) ? committed : 0;
        if (record.Offset.Value < next) return false;
        Pending.Add(record);
        PendingNext[record.Topic] = record.Offset.Value + 1;
        return true;
    }

    public long NextOffset(string topic) =>
        PendingNext.TryGetValue(topic, out var p) ? p : CommittedNext.TryGetValue(topic, out var c) ? c : 0;

    public void MarkCommitted()
    {
        foreach (var (topic, next) in PendingNext) CommittedNext[topic] = next;
        PendingNext.Clear();
        Pending.Clear();
        Dirty.Clear();
    }
}
