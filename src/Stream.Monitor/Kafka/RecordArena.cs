using Confluent.Kafka;
using Stream.Core.Events;

namespace Stream.Monitor.Kafka;

/// <summary>A record's key or value: a slice of a <see cref="RecordArena"/> chunk, or none (a null key or value).</summary>
public readonly record struct RecordBytes(byte[]? Chunk, int Start, int Length)
{
    public bool IsNull => Chunk is null;

    public ReadOnlySpan<byte> Span => Chunk is null ? default : Chunk.AsSpan(Start, Length);

    public byte[]? ToArray() => Chunk is null ? null : Span.ToArray();
}

/// <summary>
/// Deserialises record keys and values by copying librdkafka's bytes into large shared chunks instead of
/// one array per record. The pipeline holds records until its batch closes, and per-record arrays held
/// that long survived young collections and were copied by the GC; chunks are few, long-lived and reused.
/// One writer: the thread that calls <c>Consume</c>, which also calls the other methods. <see cref="Seal"/>
/// closes a generation of chunks (a batch handed over to be read while consuming goes on) and
/// <see cref="ReleaseOldest"/> reuses the oldest one once it has been read; <see cref="Recycle"/> reuses all.
/// </summary>
public sealed class RecordArena : IDeserializer<RecordBytes>
{
    /// <summary>1 MiB: thousands of events per chunk, and few chunks for the GC to track.</summary>
    public const int ChunkSize = 1 << 20;

    private readonly Stack<byte[]> _free = new();
    private readonly Queue<List<byte[]>> _sealed = new();
    private List<byte[]> _used = [];
    private byte[]? _chunk;
    private int _position;

    /// <summary>Bytes held in chunks, used or free.</summary>
    public long Capacity => (long)(_used.Count + _sealed.Sum(g => g.Count) + _free.Count + (_chunk is null ? 0 : 1)) * ChunkSize;

    public RecordBytes Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return default;
        // A rare large record gets its own array rather than wasting most of a chunk.
        if (data.Length > ChunkSize / 8) return new RecordBytes(data.ToArray(), 0, data.Length);
        if (_chunk is null || _chunk.Length - _position < data.Length) NextChunk();
        data.CopyTo(_chunk.AsSpan(_position));
        var slice = new RecordBytes(_chunk, _position, data.Length);
        _position += data.Length;
        return slice;
    }

    /// <summary>Copies a slice (of an older chunk, say) into the current chunk.</summary>
    public RecordBytes Copy(RecordBytes bytes) => bytes.IsNull ? bytes : Deserialize(bytes.Span, false, default);

    /// <summary>
    /// Makes every chunk writable again: call only when no slice handed out so far will be read. Chunks not
    /// needed since the previous call are let go, so what stays is what the last cycle used.
    /// </summary>
    public void Recycle()
    {
        _free.Clear();
        while (_sealed.TryDequeue(out var generation)) Free(generation);
        Free(_used);
        _used.Clear();
        _position = 0;
    }

    /// <summary>Closes the slices handed out so far into a generation; later ones go into fresh chunks.</summary>
    public void Seal()
    {
        if (_chunk is not null) _used.Add(_chunk);
        _chunk = null;
        _sealed.Enqueue(_used);
        _used = [];
    }

    /// <summary>
    /// Makes the oldest sealed generation's chunks writable again: call once none of its slices will be read.
    /// Free chunks beyond what that generation used are let go.
    /// </summary>
    public void ReleaseOldest()
    {
        if (!_sealed.TryDequeue(out var generation)) return;
        while (_free.Count > generation.Count) _free.Pop();
        Free(generation);
    }

    private void Free(List<byte[]> chunks)
    {
        foreach (var chunk in chunks) _free.Push(chunk);
    }

    private void NextChunk()
    {
        if (_chunk is not null) _used.Add(_chunk);
        // Not zeroed: a slice is handed out only after its bytes are copied in.
        _chunk = _free.Count > 0 ? _free.Pop() : GC.AllocateUninitializedArray<byte>(ChunkSize);
        _position = 0;
    }
}

/// <summary>
/// A consumed record as the pipeline keeps it until its batch is read: a value, not the client's objects,
/// so those die young. <paramref name="Topic"/> is the configured topic name instance, not a copy per record;
/// <paramref name="Headers"/> is null when the record had none.
/// </summary>
public readonly record struct ConsumedRecord(string Topic, int Partition, long Offset, Timestamp Timestamp, RecordBytes Key, RecordBytes Value, Headers? Headers)
{
    /// <summary>
    /// Parses and validates the value against <paramref name="kind"/>'s contract; a record without a value is rejected.
    /// A valid event's customerId is <paramref name="knownCustomerId"/> when that has its chars.
    /// </summary>
    public FactsParseResult ReadFacts(EventReader reader, EventKind kind, DateTimeOffset recordTime, string? knownCustomerId = null) =>
        Value.IsNull
            ? FactsParseResult.Rejected(RejectReason.NotJson, "record has no value")
            : reader.ReadFacts(Value.Span, kind, Key.Span, !Key.IsNull, recordTime, knownCustomerId);

    public static ConsumedRecord From(ConsumeResult<RecordBytes, RecordBytes> result, string topic) =>
        new(topic, result.Partition.Value, result.Offset.Value, result.Message.Timestamp, result.Message.Key, result.Message.Value,
            result.Message.Headers is { Count: > 0 } headers ? headers : null);
}
