using StackExchange.Redis;
using Stream.Core.State;

namespace Stream.Monitor.Storage;

/// <summary>
/// Encodes a partition's changed customer states and progress as Redis values, the states packed into reused
/// chunks (<see cref="EncodeChunks"/>). Thread-safe: partitions encode in parallel.
/// </summary>
public sealed class PartitionWriteEncoder(RedisKeys keys)
{
    private readonly EncodeChunks _chunks = new();

    public RedisKeys Keys { get; } = keys;

    /// <summary>Chunks free for reuse (tests).</summary>
    public int FreeChunks => _chunks.Free;

    public PartitionWrite Encode(int partition, long epoch, IReadOnlyDictionary<string, long?> expectedOffsets,
        IReadOnlyList<(RedisKey Key, CustomerState State)> states, IReadOnlyDictionary<string, long> nextOffsets,
        IEnumerable<KeyValuePair<string, long>> watermarksMs, IReadOnlyList<(string CustomerId, double Days)> timers,
        IReadOnlyList<(string AlertId, string RuleId, byte[]? FiredJson)>? alerts = null, IReadOnlyList<WebhookEntry>? webhooks = null,
        IReadOnlyDictionary<string, long>? openAlertsRecount = null)
    {
        var encoded = new KeyValuePair<RedisKey, RedisValue>[states.Count];
        var rented = new List<byte[]>();
        byte[]? chunk = null;
        var position = 0;
        Span<byte> buffer = stackalloc byte[CustomerStateCodec.MaxSize];
        for (var i = 0; i < states.Count; i++)
        {
            var length = CustomerStateCodec.Encode(states[i].State, buffer);
            if (chunk is null || chunk.Length - position < length)
            {
                chunk = _chunks.Rent();
                rented.Add(chunk);
                position = 0;
            }
            buffer[..length].CopyTo(chunk.AsSpan(position));
            encoded[i] = new(states[i].Key, new ReadOnlyMemory<byte>(chunk, position, length));
            position += length;
        }
        var progress = new List<HashEntry>(nextOffsets.Count + 3);
        foreach (var (topic, next) in nextOffsets) progress.Add(new HashEntry(RedisKeys.OffsetField(topic), next));
        foreach (var (topic, ms) in watermarksMs) progress.Add(new HashEntry(RedisKeys.WatermarkField(topic), ms));
        HashEntry[] opened = [];
        RedisValue[] closed = [];
        KeyValuePair<string, int>[] byRule = [];
        if (alerts is { Count: > 0 })
        {
            opened = [.. alerts.Where(a => a.FiredJson is not null).Select(a => new HashEntry(a.AlertId, a.FiredJson))];
            closed = [.. alerts.Where(a => a.FiredJson is null).Select(a => (RedisValue)a.AlertId)];
            byRule = [.. alerts.GroupBy(a => a.RuleId, StringComparer.Ordinal)
                .Select(g => KeyValuePair.Create(g.Key, g.Sum(a => a.FiredJson is null ? -1 : 1))).Where(kv => kv.Value != 0)];
        }
        return new PartitionWrite(partition, epoch, expectedOffsets, encoded, rented, [.. progress], timers, opened, closed, byRule, openAlertsRecount, webhooks ?? []);
    }

    /// <summary>
    /// The write was acknowledged, so it was sent whole: its chunks may be reused. A failed write keeps its chunks:
    /// after a timeout the client may still send it, and a reused chunk would then write another batch's bytes.
    /// </summary>
    public void Written(PartitionWrite write) => _chunks.Return(write.Chunks);
}
