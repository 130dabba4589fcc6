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
    // DetachMerged's buffers: the records it keeps back, and each topic's records.
    private List<ConsumedRecord> _kept = [];
    private List<int>[] _byTopic = [];

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

    /// <summary>
    /// Hands over the records taken so far in timestamp order across <paramref name="topics"/>, as far as that order
    /// is known: a Kafka Streams task's rule. The record with the earliest timestamp (then the earlier topic in
    /// <paramref name="topics"/>) goes next, as long as it is no later than what each topic with none left allows
    /// (<paramref name="releaseUpTo"/>, Unix ms: <see cref="long.MinValue"/> while Kafka holds more of it, so its next
    /// may be earlier; <see cref="long.MaxValue"/> when nothing more can come). What is left stays for the next
    /// batch, so however the records are batched, and however the consumer interleaved the topics, a partition's
    /// events are applied in the same order.
    /// </summary>
    public TakenBatch DetachMerged(OwnedPartition owner, IReadOnlyList<string> topics, Func<string, long> releaseUpTo)
    {
        var records = _records;
        if (records.Count == 0 || SingleTopic(records, topics, releaseUpTo)) return Detach(owner);

        // Each topic's records, as indexes into the taken ones (in offset order, as taken); buffers kept for reuse.
        if (_byTopic.Length != topics.Count) _byTopic = [.. topics.Select(_ => new List<int>())];
        foreach (var list in _byTopic) list.Clear();
        for (var i = 0; i < records.Count; i++) _byTopic[IndexOf(topics, records[i].Topic)].Add(i);
        Span<int> heads = stackalloc int[topics.Count];
        Span<long> allowed = stackalloc long[topics.Count];
        for (var t = 0; t < topics.Count; t++) allowed[t] = releaseUpTo(topics[t]);

        var merged = _spare;
        merged.Clear();
        while (true)
        {
            var next = -1;
            var limit = long.MaxValue;
            for (var t = 0; t < topics.Count; t++)
            {
                if (heads[t] == _byTopic[t].Count)
                {
                    limit = Math.Min(limit, allowed[t]);
                    continue;
                }
                if (next < 0 || records[_byTopic[t][heads[t]]].Timestamp.UnixTimestampMs < records[_byTopic[next][heads[next]]].Timestamp.UnixTimestampMs) next = t;
            }
            if (next < 0 || records[_byTopic[next][heads[next]]].Timestamp.UnixTimestampMs > limit) break;
            merged.Add(records[_byTopic[next][heads[next]++]]);
        }

        var reached = new Dictionary<string, long>(_next, StringComparer.Ordinal);
        var kept = _kept;
        kept.Clear();
        for (var t = 0; t < topics.Count; t++)
        {
            var indexes = _byTopic[t];
            if (heads[t] < indexes.Count) reached[topics[t]] = records[indexes[heads[t]]].Offset;
            for (var k = heads[t]; k < indexes.Count; k++) kept.Add(records[indexes[k]]);
        }
        var counts = new BatchCounts();
        counts.CountTaken(merged.Count);
        _counts = new BatchCounts();
        _counts.CountTaken(kept.Count);
        // The kept records are taken on; the merged ones are read by the flush, and their list is reused at the next detach.
        records.Clear();
        (_records, _kept, _spare) = (kept, records, merged);
        return new TakenBatch(owner, merged, reached, counts);
    }

    /// <summary>
    /// Copies the records kept for the next batch into the arena's current chunks, so the chunks they were in can be
    /// reused once the flush that read the others is done.
    /// </summary>
    public void MoveKept(RecordArena arena)
    {
        for (var i = 0; i < _records.Count; i++)
        {
            var r = _records[i];
            _records[i] = r with { Key = arena.Copy(r.Key), Value = arena.Copy(r.Value) };
        }
    }

    private static bool SingleTopic(List<ConsumedRecord> records, IReadOnlyList<string> topics, Func<string, long> releaseUpTo)
    {
        var topic = records[0].Topic;
        var latest = long.MinValue;
        foreach (var r in records)
        {
            if (!ReferenceEquals(r.Topic, topic) && r.Topic != topic) return false;
            latest = Math.Max(latest, r.Timestamp.UnixTimestampMs);
        }
        // One topic taken: in order as it is, unless another may still have earlier records.
        foreach (var t in topics)
        {
            if (t != topic && releaseUpTo(t) < latest) return false;
        }
        return true;
    }

    private static int IndexOf(IReadOnlyList<string> topics, string topic)
    {
        for (var t = 0; t < topics.Count; t++)
        {
            if (ReferenceEquals(topics[t], topic) || topics[t] == topic) return t;
        }
        throw new ArgumentException($"topic {topic} is not an input topic", nameof(topic));
    }
}
