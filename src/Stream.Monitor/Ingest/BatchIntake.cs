using System.Runtime.InteropServices;
using Stream.Monitor.Ingest.Flush;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest;

/// <summary>
/// The consumer thread's side of a partition: the records taken since the last flush and the offsets they reach.
/// A flush detaches them as a <see cref="TakenBatch"/>, and taking goes on into the next batch.
/// </summary>
internal sealed class BatchIntake(IReadOnlyDictionary<string, long> resumeAt)
{
    private readonly Dictionary<string, long> _next = new(resumeAt, StringComparer.Ordinal);
    private List<ConsumedRecord> _records = [];
    // The list the previous detached batch was read from, emptied by then: reused to keep its capacity.
    private List<ConsumedRecord> _spare = [];
    private BatchCounts _counts = new();

    /// <summary>Records taken since the last detach.</summary>
    public int Records => _records.Count;

    /// <summary>
    /// Takes a record into the batch; false for one at or before what was already taken (a re-read after a seek).
    /// All the consumer thread does per record.
    /// </summary>
    public bool Take(in ConsumedRecord record)
    {
        ref var next = ref CollectionsMarshal.GetValueRefOrAddDefault(_next, record.Topic, out _);
        if (record.Offset < next) return false;
        next = record.Offset + 1;
        _counts.CountTaken();
        _records.Add(record);
        return true;
    }

    /// <summary>The offset after the last record taken from <paramref name="topic"/>; null before any.</summary>
    public long? TakenNext(string topic) => _next.TryGetValue(topic, out var next) ? next : null;

    /// <summary>Hands the records taken so far over to a flush. Consumer thread, while no flush runs.</summary>
    public TakenBatch Detach(OwnedPartition owner)
    {
        var batch = new TakenBatch(owner, _records, new Dictionary<string, long>(_next, StringComparer.Ordinal), _counts);
        (_records, _spare) = (_spare, _records);
        _records.Clear();
        _counts = new BatchCounts();
        return batch;
    }
}
