using StackExchange.Redis;
using Stream.Core.State;

namespace Stream.Monitor.Storage;

/// <summary>
/// Customer state and consumer progress in Redis. A partition's changed states and its next offsets are
/// written in one transaction, fenced on the owner's epoch, so state and offsets never disagree and a
/// previous owner that lost its partition cannot overwrite the new owner's work.
/// </summary>
public sealed class CustomerStateStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    public RedisKeys Keys { get; } = keys;

    /// <summary>
    /// Takes ownership of a partition number: bumps its epoch, reads where to resume, and counts the open alerts by
    /// rule from the open alerts themselves. After the bump no earlier owner's write can land, so until this owner's
    /// first write, which stores these counts, they are the truth the commits then keep up to date.
    /// </summary>
    public async Task<PartitionClaim> ClaimAsync(int partition)
    {
        var db = Db;
        var epoch = await db.StringIncrementAsync(Keys.Epoch(partition));
        var (offsets, watermarks) = Progress(await db.HashGetAllAsync(Keys.Offsets(partition)));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var alert in await db.HashValuesAsync(Keys.OpenAlerts(partition)))
        {
            using var json = System.Text.Json.JsonDocument.Parse((byte[])alert!);
            var rule = json.RootElement.GetProperty("rule").GetProperty("id").GetString()!;
            counts[rule] = counts.GetValueOrDefault(rule) + 1;
        }
        return new PartitionClaim(partition, epoch, offsets, watermarks, counts);
    }

    /// <summary>The open alerts by rule of the given partitions, summed.</summary>
    public async Task<Dictionary<string, long>> OpenAlertsByRuleAsync(IEnumerable<int> partitions)
    {
        var db = Db;
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entries in await Task.WhenAll(partitions.Select(p => db.HashGetAllAsync(Keys.OpenAlertsByRule(p)))))
        {
            foreach (var e in entries) totals[(string)e.Name!] = totals.GetValueOrDefault((string)e.Name!) + (long)e.Value;
        }
        return totals;
    }

    /// <summary>Splits a partition's progress hash into next offsets and watermarks (Unix ms), by topic.</summary>
    private static (Dictionary<string, long> Offsets, Dictionary<string, long> Watermarks) Progress(HashEntry[] entries)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var watermarks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var field = (string)entry.Name!;
            if (field.StartsWith("wm:", StringComparison.Ordinal)) watermarks[field[3..]] = (long)entry.Value;
            else offsets[field] = (long)entry.Value;
        }
        return (offsets, watermarks);
    }

    /// <summary>One MGET for the given customers of one partition; null where none is stored.</summary>
    public async Task<CustomerState?[]> LoadAsync(int partition, IReadOnlyList<string> customerIds)
    {
        if (customerIds.Count == 0) return [];
        var keys = new RedisKey[customerIds.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = Keys.Customer(partition, customerIds[i]);
        var values = await Db.StringGetAsync(keys);
        var states = new CustomerState?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (!values[i].IsNull) states[i] = CustomerStateCodec.Decode((byte[])values[i]!);
        }
        return states;
    }

    /// <summary>
    /// Writes changed states, next offsets, watermarks and review timers atomically, if the write's epoch still
    /// owns the partition and Redis holds exactly its expected offsets (the progress the
    /// previous batch left; a batch written without its predecessor would skip that batch's state changes).
    /// Nothing is written otherwise.
    /// </summary>
    /// <remarks>
    /// A transaction: WATCH the partition's epoch and progress, check them, then MULTI, HSET the progress, MSET
    /// the states, ZADD the timers, HSET/HDEL the open alerts, XADD the webhook queue, EXEC, which writes nothing if another client changed a watched key after the
    /// checks. All keys share the partition's hash tag, so this also runs on Redis Cluster. StackExchange.Redis
    /// sends the checks and waits for their replies before MULTI, holding the connection's writer for that round
    /// trip. A Lua script did the same in one round trip, but spent most of its time taking each state in as a
    /// Lua string and handing it back to Redis (docs/adr/0005).
    /// </remarks>
    public async Task<CommitOutcome> CommitAsync(PartitionWrite write)
    {
        var (partition, epoch, expectedOffsets, states, progress, due) = (write.Partition, write.Epoch, write.ExpectedOffsets, write.States, write.Progress, write.Timers);
        var db = Db;
        var epochKey = Keys.Epoch(partition);
        var offsetsKey = Keys.Offsets(partition);
        var transaction = db.CreateTransaction();
        // Compared as the strings Redis holds (INCR and HSET store integers as their decimal text).
        transaction.AddCondition(Condition.StringEqual(epochKey, Text(epoch)));
        foreach (var (topic, offset) in expectedOffsets)
        {
            var field = RedisKeys.OffsetField(topic);
            transaction.AddCondition(offset is { } o ? Condition.HashEqual(offsetsKey, field, Text(o)) : Condition.HashNotExists(offsetsKey, field));
        }
        var writes = new List<Task>(5);
        if (progress.Length > 0) writes.Add(transaction.HashSetAsync(offsetsKey, progress));
        if (states.Length > 0) writes.Add(transaction.StringSetAsync(states));
        if (due.Count > 0)
        {
            var timers = new SortedSetEntry[due.Count];
            for (var i = 0; i < timers.Length; i++) timers[i] = new SortedSetEntry(due[i].CustomerId, due[i].Days);
            writes.Add(transaction.SortedSetAddAsync(Keys.Due(partition), timers));
        }
        // Fired alerts are listed until they resolve (set before removing: one may fire and resolve in one batch).
        if (write.OpenedAlerts.Length > 0) writes.Add(transaction.HashSetAsync(Keys.OpenAlerts(partition), write.OpenedAlerts));
        if (write.ClosedAlerts.Length > 0) writes.Add(transaction.HashDeleteAsync(Keys.OpenAlerts(partition), write.ClosedAlerts));
        if (write.OpenByRuleRecount is { } recount)
        {
            writes.Add(transaction.KeyDeleteAsync(Keys.OpenAlertsByRule(partition)));
            if (recount.Count > 0) writes.Add(transaction.HashSetAsync(Keys.OpenAlertsByRule(partition), [.. recount.Select(kv => new HashEntry(kv.Key, kv.Value))]));
        }
        foreach (var (rule, change) in write.OpenByRule) writes.Add(transaction.HashIncrementAsync(Keys.OpenAlertsByRule(partition), rule, change));
        // Queued for webhooks with the batch that raised them: delivered once committed, never for a batch that was not.
        foreach (var webhook in write.Webhooks)
            writes.Add(transaction.StreamAddAsync(Keys.Webhooks(partition), [new NameValueEntry("endpoint", webhook.Endpoint), new NameValueEntry("id", webhook.AlertId), new NameValueEntry("alert", webhook.Alert)]));
        bool committed;
        try
        {
            committed = await transaction.ExecuteAsync();
        }
        finally
        {
            // A transaction that did not run cancels or fails its writes: nothing to report beyond its own outcome.
            foreach (var pending in writes) _ = pending.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
        if (committed) return CommitOutcome.Committed;
        // Which check failed: another owner's epoch, or progress this batch does not build on.
        return (long?)await db.StringGetAsync(epochKey) == epoch ? CommitOutcome.OutOfSequence : CommitOutcome.Fenced;
    }

    private static RedisValue Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Up to <paramref name="limit"/> customers of a partition whose timer is due on or before <paramref name="throughDays"/>
    /// (epoch days, fractional), and the earliest timer after it (null if none).
    /// </summary>
    public async Task<(IReadOnlyList<string> Due, bool More, double? NextAfter)> FetchDueAsync(int partition, double throughDays, int limit)
    {
        var db = Db;
        var dueTask = db.SortedSetRangeByScoreAsync(Keys.Due(partition), double.NegativeInfinity, throughDays, take: limit + 1);
        var nextTask = db.SortedSetRangeByScoreWithScoresAsync(Keys.Due(partition), throughDays, double.PositiveInfinity, Exclude.Start, take: 1);
        var due = await dueTask;
        var next = await nextTask;
        var ids = due.Take(limit).Select(v => (string)v!).ToList();
        return (ids, due.Length > limit, next.Length > 0 ? next[0].Score : null);
    }

    /// <summary>Finds one customer's state, and the partition holding it, by asking every partition (the API's read path).</summary>
    public async Task<(int Partition, CustomerState State)?> FindAsync(string customerId, int partitions)
    {
        var db = Db;
        var lookups = Enumerable.Range(0, partitions).Select(p => db.StringGetAsync(Keys.Customer(p, customerId))).ToArray();
        var values = await Task.WhenAll(lookups);
        for (var p = 0; p < values.Length; p++)
        {
            if (!values[p].IsNull) return (p, CustomerStateCodec.Decode((byte[])values[p]!));
        }
        return null;
    }

    /// <summary>The open (fired, not resolved) alerts of every partition, as the JSON they were published as.</summary>
    public async Task<IReadOnlyList<byte[]>> OpenAlertsAsync(int partitions)
    {
        var db = Db;
        var all = await Task.WhenAll(Enumerable.Range(0, partitions).Select(p => db.HashValuesAsync(Keys.OpenAlerts(p))));
        return [.. all.SelectMany(values => values).Select(v => (byte[])v!)];
    }

    /// <summary>The partition's event-time progress: the greatest of its topics' stored watermarks.</summary>
    public async Task<DateTimeOffset?> WatermarkAsync(int partition)
    {
        var (_, watermarks) = Progress(await Db.HashGetAllAsync(Keys.Offsets(partition)));
        return watermarks.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(watermarks.Values.Max());
    }

    /// <summary>The greatest stored watermark over all partitions; null before any event.</summary>
    public async Task<DateTimeOffset?> LatestWatermarkAsync(int partitions)
    {
        DateTimeOffset? latest = null;
        for (var p = 0; p < partitions; p++)
        {
            if (await WatermarkAsync(p) is { } w && (latest is null || w > latest)) latest = w;
        }
        return latest;
    }

    /// <summary>Every stored customer of a partition (snapshots and tests; SCAN, never KEYS).</summary>
    public async IAsyncEnumerable<(string CustomerId, byte[] State)> ScanAsync(int partition)
    {
        var db = Db;
        foreach (var server in redis.GetServers())
        {
            if (server.IsReplica) continue;
            var batch = new List<RedisKey>(1000);
            await foreach (var key in server.KeysAsync(pattern: Keys.CustomerPattern(partition), pageSize: 1000))
            {
                batch.Add(key);
                if (batch.Count == 1000)
                {
                    foreach (var item in await GetMany(db, batch)) yield return item;
                    batch.Clear();
                }
            }
            foreach (var item in await GetMany(db, batch)) yield return item;
        }
    }

    private async Task<List<(string, byte[])>> GetMany(IDatabase db, List<RedisKey> keys)
    {
        if (keys.Count == 0) return [];
        var values = await db.StringGetAsync([.. keys]);
        var result = new List<(string, byte[])>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!values[i].IsNull) result.Add((Keys.CustomerIdOf(keys[i]), (byte[])values[i]!));
        }
        return result;
    }

    public async Task SetPartitionCountAsync(int partitions) => await Db.StringSetAsync($"{Keys.Prefix}:meta:partitions", partitions);

    /// <summary><paramref name="known"/> when this instance knows the partition count, else the one the monitors stored (0 if none).</summary>
    public async Task<int> PartitionCountAsync(int known) => known > 0 ? known : await GetPartitionCountAsync() ?? 0;

    public async Task<int?> GetPartitionCountAsync()
    {
        var value = await Db.StringGetAsync($"{Keys.Prefix}:meta:partitions");
        return value.IsNull ? null : (int)value;
    }
}
