using StackExchange.Redis;
using Stream.Monitor.Storage;
using Stream.Monitor.Tests.Support;

namespace Stream.Monitor.Tests;

/// <summary>The fenced commit against a real redis-server: all of a batch (states, offsets, timers, open alerts, webhook queue) is written, or none of it.</summary>
[Trait("Category", "Integration")]
public class CustomerStateStoreTests : IDisposable
{
    private const int Partition = 3;
    private const string Topic = "transactions";

    private readonly RedisServer _redis;
    private readonly CustomerStateStore _store;
    private readonly IDatabase _db;

    public CustomerStateStoreTests() : this(cluster: false)
    {
    }

    protected CustomerStateStoreTests(bool cluster)
    {
        _redis = new RedisServer(cluster);
        _store = new CustomerStateStore(_redis.Connection, new RedisKeys("test"));
        _db = _redis.Connection.GetDatabase();
    }

    public void Dispose()
    {
        _redis.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_batch_commits_whole_only_on_the_progress_it_builds_on_and_only_for_the_current_owner()
    {
        var first = await _store.ClaimAsync(Partition);

        Assert.Equal(CommitOutcome.Committed, await Commit(first.Epoch, expected: null, next: 10, state: "a1", dueDay: 20_000));
        await AssertStored(next: 10, state: "a1", dueDay: 20_000);

        // Progress that is not what Redis holds: a batch after a lost one. Nothing of it is written.
        Assert.Equal(CommitOutcome.OutOfSequence, await Commit(first.Epoch, expected: 7, next: 20, state: "a2", dueDay: 20_001));
        Assert.Equal(CommitOutcome.OutOfSequence, await Commit(first.Epoch, expected: null, next: 20, state: "a2", dueDay: 20_001));
        await AssertStored(next: 10, state: "a1", dueDay: 20_000);

        // Another instance claims the partition: the first owner's next batch is fenced off, the new owner's commits.
        // The claim also counts the open alerts by rule, and its owner's first write stores that count (a count gone
        // wrong comes right).
        Assert.Equal(1, (long)await _db.HashGetAsync(_store.Keys.OpenAlertsByRule(Partition), "r"));
        await _db.HashSetAsync(_store.Keys.OpenAlertsByRule(Partition), "r", 42);
        var second = await _store.ClaimAsync(Partition);
        Assert.Equal(new Dictionary<string, long> { ["r"] = 1 }, second.OpenAlertsByRule);
        Assert.Equal(10, second.NextOffsets[Topic]);
        Assert.Equal(CommitOutcome.Fenced, await Commit(first.Epoch, expected: 10, next: 20, state: "a2", dueDay: 20_001));
        await AssertStored(next: 10, state: "a1", dueDay: 20_000);
        Assert.Equal(CommitOutcome.Committed, await Commit(second.Epoch, expected: 10, next: 30, state: "b1", dueDay: 20_002.25, second.OpenAlertsByRule));
        await AssertStored(next: 30, state: "b1", dueDay: 20_002.25);

        // b1 opened one alert and resolved a1's: still one open.
        Assert.Equal(new Dictionary<string, long> { ["r"] = 1 }, await _store.OpenAlertsByRuleAsync([Partition]));

        // Only the committed batches queued their alerts for webhooks, in commit order.
        var queued = await _db.StreamRangeAsync(_store.Keys.Webhooks(Partition));
        Assert.Equal(["crm a1", "crm b1"], queued.Select(e => $"{e["endpoint"]} {e["alert"]}"));
        Assert.Equal(1_700_000_000_030, (long)await _db.HashGetAsync(_store.Keys.Offsets(Partition), RedisKeys.WatermarkField(Topic)));
    }

    /// <summary>Each write opens the alert named after its state and resolves the one before (a1's).</summary>
    private Task<CommitOutcome> Commit(long epoch, long? expected, long next, string state, double dueDay, IReadOnlyDictionary<string, long>? recount = null) =>
        _store.CommitAsync(new PartitionWrite(Partition, epoch,
            new Dictionary<string, long?> { [Topic] = expected },
            [new(_store.Keys.Customer(Partition, "c-1"), state), new(_store.Keys.Customer(Partition, "c-2"), state + "'")],
            [],
            [new HashEntry(RedisKeys.OffsetField(Topic), next), new HashEntry(RedisKeys.WatermarkField(Topic), 1_700_000_000_000 + next)],
            [("c-1", dueDay)],
            [new HashEntry("alert-" + state, """{"rule":{"id":"r"}}""")],
            state == "a1" ? [] : ["alert-a1"],
            state == "a1" ? [KeyValuePair.Create("r", 1)] : [],
            recount,
            [new WebhookEntry("crm", "alert-" + state, System.Text.Encoding.UTF8.GetBytes(state))]));

    private async Task AssertStored(long next, string state, double dueDay)
    {
        Assert.Equal(next, (long)await _db.HashGetAsync(_store.Keys.Offsets(Partition), RedisKeys.OffsetField(Topic)));
        Assert.Equal(state, (string?)await _db.StringGetAsync(_store.Keys.Customer(Partition, "c-1")));
        Assert.Equal(state + "'", (string?)await _db.StringGetAsync(_store.Keys.Customer(Partition, "c-2")));
        Assert.Equal(dueDay, await _db.SortedSetScoreAsync(_store.Keys.Due(Partition), "c-1"));
        Assert.Equal(["alert-" + state], (await _db.HashKeysAsync(_store.Keys.OpenAlerts(Partition))).Select(k => (string)k!));
    }
}

/// <summary>The same commits on a three-master Redis Cluster: the partition's hash tag keeps the transaction in one slot.</summary>
[Trait("Category", "Integration")]
public sealed class CustomerStateStoreClusterTests() : CustomerStateStoreTests(cluster: true);
