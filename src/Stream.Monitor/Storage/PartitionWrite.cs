using StackExchange.Redis;

namespace Stream.Monitor.Storage;

/// <summary>
/// One partition's write, encoded for <see cref="CustomerStateStore.CommitAsync"/>: the changed states (slices of
/// <see cref="Chunks"/>, reusable once the write is acknowledged), the progress to store with them (next offsets and
/// watermarks), the customer timers (epoch days, fractional), the alerts fired (id → alert JSON) and resolved and what they change in the open count by rule (set first to a new owner's recount, in its first write), the alerts for webhooks, and what the write is fenced on: the owner's epoch and the progress Redis must hold.
/// </summary>
public sealed record PartitionWrite(
    int Partition,
    long Epoch,
    IReadOnlyDictionary<string, long?> ExpectedOffsets,
    KeyValuePair<RedisKey, RedisValue>[] States,
    IReadOnlyList<byte[]> Chunks,
    HashEntry[] Progress,
    IReadOnlyList<(string CustomerId, double Days)> Timers,
    HashEntry[] OpenedAlerts,
    RedisValue[] ClosedAlerts,
    IReadOnlyList<KeyValuePair<string, int>> OpenByRule,
    IReadOnlyDictionary<string, long>? OpenByRuleRecount,
    IReadOnlyList<WebhookEntry> Webhooks);

/// <summary>An alert (its published JSON) to deliver to a webhook endpoint.</summary>
public readonly record struct WebhookEntry(string Endpoint, string AlertId, byte[] Alert);
