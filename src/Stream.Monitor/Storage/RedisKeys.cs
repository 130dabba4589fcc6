using StackExchange.Redis;

namespace Stream.Monitor.Storage;

/// <summary>
/// Every Redis key Stream writes. All keys of one partition number carry the hash tag <c>{pN}</c>, so a
/// partition's customer states, offsets and fencing epoch share one Redis Cluster slot and are written
/// together in one MULTI/EXEC.
/// <list type="bullet">
/// <item><c>{prefix}:{pN}:c:{customerId}</c> — string, the binary customer state (CustomerStateCodec).</item>
/// <item><c>{prefix}:{pN}:offsets</c> — hash: <c>{topic}</c> → next offset to read; <c>wm:{topic}</c> → watermark (Unix ms).</item>
/// <item><c>{prefix}:{pN}:epoch</c> — integer, incremented by each owner on assignment; writes are fenced on it.</item>
/// <item><c>{prefix}:{pN}:due</c> — sorted set: customer id → when its timer fires (the next review day, or earlier an
/// alert's wake, in epoch days, fractional), the partition's event-time timers.</item>
/// <item><c>{prefix}:{pN}:alerts</c> — hash: alert id → the fired alert (JSON), while it is open.</item>
/// <item><c>{prefix}:{pN}:alerts:by-rule</c> — hash: rule id → how many of the partition's alerts of that rule are open
/// (changed with the open alerts; recounted from them at each claim, and stored by the new owner's first write).</item>
/// <item><c>{prefix}:{pN}:webhooks</c> — stream: alerts to deliver to webhooks (fields <c>endpoint</c>, <c>id</c>, <c>alert</c>), added with
/// the batch that raised them and deleted once delivered or dead-lettered.</item>
/// <item><c>{prefix}:{pN}:webhooks:dead</c> — stream: alerts whose delivery failed every attempt (the queued fields,
/// <c>reason</c> and <c>attempts</c>).</item>
/// <item><c>{prefix}:{models}:…</c> — versioned population models (ModelStore).</item>
/// </list>
/// </summary>
public sealed class RedisKeys(string prefix)
{
    private string[] _customerPrefixes = [];

    public string Prefix { get; } = prefix;

    public RedisKey Customer(int partition, string customerId) => string.Concat(CustomerPrefix(partition), customerId);

    private string CustomerPrefix(int partition)
    {
        var prefixes = _customerPrefixes;
        if (partition >= prefixes.Length)
        {
            // Grown rarely (once per new partition count) and replaced whole, so readers never see a torn array.
            prefixes = Enumerable.Range(0, Math.Max(partition + 1, prefixes.Length * 2)).Select(p => $"{Prefix}:{{p{p}}}:c:").ToArray();
            _customerPrefixes = prefixes;
        }
        return prefixes[partition];
    }

    public RedisKey Offsets(int partition) => $"{Prefix}:{{p{partition}}}:offsets";

    public RedisKey Epoch(int partition) => $"{Prefix}:{{p{partition}}}:epoch";

    /// <summary>Sorted set: customer id → when its timer fires (epoch days, fractional), the partition's event-time timers.</summary>
    public RedisKey Due(int partition) => $"{Prefix}:{{p{partition}}}:due";

    /// <summary>Hash: alert id → the fired alert (JSON), while it is open.</summary>
    public RedisKey OpenAlerts(int partition) => $"{Prefix}:{{p{partition}}}:alerts";

    /// <summary>Hash: rule id → the partition's open alerts of that rule.</summary>
    public RedisKey OpenAlertsByRule(int partition) => $"{Prefix}:{{p{partition}}}:alerts:by-rule";

    /// <summary>Stream: the partition's alerts waiting for webhook delivery.</summary>
    public RedisKey Webhooks(int partition) => $"{Prefix}:{{p{partition}}}:webhooks";

    /// <summary>Stream: the partition's alerts whose webhook delivery failed every attempt.</summary>
    public RedisKey DeadWebhooks(int partition) => $"{Prefix}:{{p{partition}}}:webhooks:dead";

    public RedisKey ModelSequence => $"{Prefix}:{{models}}:seq";

    public RedisKey ModelCurrent => $"{Prefix}:{{models}}:current";

    public RedisKey ModelLock => $"{Prefix}:{{models}}:lock";

    public RedisKey Model(long version) => $"{Prefix}:{{models}}:v{version}";

    public RedisValue CustomerPattern(int partition) => $"{Prefix}:{{p{partition}}}:c:*";

    public string CustomerIdOf(RedisKey key)
    {
        var s = (string)key!;
        return s[(s.IndexOf(":c:", StringComparison.Ordinal) + 3)..];
    }

    public static RedisValue OffsetField(string topic) => topic;

    public static RedisValue WatermarkField(string topic) => "wm:" + topic;
}
