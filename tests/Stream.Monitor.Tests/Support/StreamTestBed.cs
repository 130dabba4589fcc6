using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Stream.Core.State;
using Stream.Embedded;
using Stream.Monitor.Storage;
using Stream.Kafka;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests.Support;

/// <summary>A mock Kafka cluster with the input topics, a real redis-server, and helpers to drive and inspect a run.</summary>
public sealed class StreamTestBed : IDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    /// <param name="redisCluster">Use a local three-master Redis Cluster instead of one redis-server.</param>
    public StreamTestBed(int partitions = 4, bool redisCluster = false)
    {
        Partitions = partitions;
        Kafka = new MockKafkaCluster();
        foreach (var topic in Topics.Inputs) Kafka.CreateTopic(topic, partitions);
        Kafka.CreateTopic(Topics.DeadLetter, 1);
        Kafka.CreateTopic(Topics.Changes, 1);
        Kafka.CreateTopic(Topics.Alerts, 1);
        Redis = new RedisServer(redisCluster);
        Keys = new RedisKeys(KeyPrefix);
    }

    public int Partitions { get; }
    public MockKafkaCluster Kafka { get; }
    public RedisServer Redis { get; }
    public StreamTopics Topics { get; } = new();
    public string KeyPrefix { get; } = "test";
    public RedisKeys Keys { get; }

    public Dictionary<string, string?> Settings(string group = "stream-monitor") => new()
    {
        ["Stream:Kafka:BootstrapServers"] = Kafka.BootstrapServers,
        ["Stream:Kafka:GroupId"] = group,
        ["Stream:Redis:Configuration"] = Redis.ConnectionString,
        ["Stream:Redis:KeyPrefix"] = KeyPrefix,
        ["Stream:Api:Key"] = ApiKey,
        ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.050",
        // A member that vanishes (killed, or a phantom join the mock coordinator keeps) holds up the
        // group's rebalance until its session times out: 45 s by default, 6 s here.
        ["Stream:Kafka:Settings:session.timeout.ms"] = "6000",
        ["Stream:Kafka:Settings:heartbeat.interval.ms"] = "500",
    };

    public WebApplication CreateMonitor(string group = "stream-monitor", IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = Settings(group);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        // Warnings and errors are also collected, for tests that check a failure path ran (GetFakeLogCollector).
        return MonitorApp.Create(settings, "http://127.0.0.1:0", l => l.SetMinimumLevel(Environment.GetEnvironmentVariable("STREAM_TEST_LOG") == "1" ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").AddFakeLogging());
    }

    /// <summary>Where a started monitor listens (it binds a free port).</summary>
    public static string Address(WebApplication app) => MonitorApp.Address(app);

    public StreamProducer CreateProducer() => new(new StreamProducerOptions { BootstrapServers = Kafka.BootstrapServers, Topics = Topics });

    /// <summary>Sends the records and waits for every delivery.</summary>
    public void Produce(IEnumerable<SimulatedRecord> records)
    {
        using var producer = CreateProducer();
        Error? failure = null;
        foreach (var r in records) SimulationSender.Send(producer, r, e => failure ??= e);
        producer.Flush(TimeSpan.FromSeconds(60));
        if (failure is not null) throw new KafkaException(failure);
    }

    /// <summary>
    /// Sends the records at about <paramref name="rate"/> a second, so that a running monitor consumes while they
    /// arrive; <paramref name="whenSent"/> runs once the last is handed to the producer, before waiting for deliveries.
    /// </summary>
    public async Task ProducePacedAsync(IReadOnlyList<SimulatedRecord> records, double rate, Action? whenSent = null)
    {
        using var producer = CreateProducer();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Error? failure = null;
        for (var i = 0; i < records.Count; i++)
        {
            SimulationSender.Send(producer, records[i], e => failure ??= e);
            var due = TimeSpan.FromSeconds((i + 1) / rate);
            if (i % 500 == 499 && clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
        }
        whenSent?.Invoke();
        producer.Flush(TimeSpan.FromSeconds(120));
        if (failure is not null) throw new KafkaException(failure);
    }

    /// <summary>Simulates <paramref name="count"/> records, sends them, and returns them with the end offsets they reach.</summary>
    public (List<SimulatedRecord> Records, Dictionary<TopicPartition, long> Ends) ProduceSimulation(SimulationOptions options, int count)
    {
        var records = new CustomerSimulator(options).Records().Take(count).ToList();
        Produce(records);
        return (records, EndOffsets());
    }

    /// <summary>The end offset of every input topic-partition.</summary>
    public Dictionary<TopicPartition, long> EndOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "probe" }).Build();
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var topic in Topics.Inputs)
            for (var p = 0; p < Partitions; p++)
            {
                var tp = new TopicPartition(topic, p);
                ends[tp] = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
            }
        return ends;
    }

    /// <summary>Asserts that the mock broker has evicted nothing: every input partition still starts at offset 0.</summary>
    public void AssertNothingEvicted(IReadOnlyDictionary<TopicPartition, long> ends)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "probe" }).Build();
        foreach (var tp in ends.Keys) Assert.Equal(0, probe.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).Low.Value);
    }

    /// <summary>True once Redis holds, for every topic-partition, the given end offset as the next offset.</summary>
    public Task<bool> CaughtUp(IReadOnlyDictionary<TopicPartition, long> ends) => CaughtUp(ends, Redis.Connection);

    public async Task<bool> CaughtUp(IReadOnlyDictionary<TopicPartition, long> ends, IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        foreach (var (tp, end) in ends)
        {
            if (end == 0) continue;
            var next = await db.HashGetAsync(Keys.Offsets(tp.Partition.Value), RedisKeys.OffsetField(tp.Topic));
            if (next.IsNull || (long)next != end) return false;
        }
        return true;
    }

    /// <summary>Per topic-partition, the next offset Redis holds against the end: for messages of tests that time out.</summary>
    public async Task<string> Progress(IReadOnlyDictionary<TopicPartition, long> ends)
    {
        var db = Redis.Connection.GetDatabase();
        var parts = new List<string>();
        foreach (var (tp, end) in ends.OrderBy(e => e.Key.Partition.Value).ThenBy(e => e.Key.Topic, StringComparer.Ordinal))
        {
            var next = await db.HashGetAsync(Keys.Offsets(tp.Partition.Value), RedisKeys.OffsetField(tp.Topic));
            parts.Add($"{tp.Topic}[{tp.Partition.Value}] {(next.IsNull ? "-" : (string)next!)}/{end}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>What a monitor's status says, for messages of tests that time out.</summary>
    public static string Describe(Ingest.IngestStatus s) =>
        $"running {s.Running}, owns {s.OwnedPartitions}, {s.EventsCommitted} events in {s.BatchesCommitted} batches, last commit {s.LastCommitAt:O}, "
        + $"failing [{string.Join(", ", s.FailingPartitions.Select(f => $"{f.Key}: {f.Value}"))}], fatal {s.FatalError ?? "none"}";

    /// <summary>Records committed so far, summed over every topic-partition.</summary>
    public Task<long> CommittedRecords(IReadOnlyDictionary<TopicPartition, long> ends) => CommittedRecords(ends, Redis.Connection);

    public Task<long> CommittedRecords(IReadOnlyDictionary<TopicPartition, long> ends, IConnectionMultiplexer redis) => CommittedRecords(ends, redis, Keys);

    /// <summary>Records committed so far under another key prefix (a second monitor on the same Redis).</summary>
    public Task<long> CommittedRecords(IReadOnlyDictionary<TopicPartition, long> ends, RedisKeys keys) => CommittedRecords(ends, Redis.Connection, keys);

    private static async Task<long> CommittedRecords(IReadOnlyDictionary<TopicPartition, long> ends, IConnectionMultiplexer redis, RedisKeys keys)
    {
        var db = redis.GetDatabase();
        long sum = 0;
        foreach (var tp in ends.Keys)
        {
            var next = await db.HashGetAsync(keys.Offsets(tp.Partition.Value), RedisKeys.OffsetField(tp.Topic));
            if (!next.IsNull) sum += (long)next;
        }
        return sum;
    }

    /// <summary>
    /// Every customer's stored state bytes, less the last review: that part depends on when the watermark
    /// reached review days and which model was current, not on the events alone.
    /// </summary>
    public Task<Dictionary<string, byte[]>> StoredStates() => StoredStates(Redis.Connection);

    public async Task<Dictionary<string, byte[]>> StoredStates(IConnectionMultiplexer redis)
    {
        var store = new CustomerStateStore(redis, Keys);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var p = 0; p < Partitions; p++)
            await foreach (var (id, state) in store.ScanAsync(p)) result.Add(id, EventDerived(state));
        return result;
    }

    public static byte[] EventDerived(byte[] stored)
    {
        var state = CustomerStateCodec.Decode(stored);
        state.Review = default;
        state.Alerts.Forget();
        return CustomerStateCodec.Encode(state);
    }

    /// <summary>The events state counts: the valid ones, each once.</summary>
    public static int UniqueEvents(IEnumerable<SimulatedRecord> records) => records.Count(r => r.Event is not null && !r.IsDuplicate);

    /// <summary>Asserts that Redis holds exactly <see cref="ExpectedStates"/>: every customer, none twice over or short.</summary>
    public async Task AssertStoredStatesExpected(IEnumerable<SimulatedRecord> records)
    {
        var expected = ExpectedStates(records);
        var stored = await StoredStates();
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(0, expected.Count(kv => !kv.Value.AsSpan().SequenceEqual(stored[kv.Key])));
    }

    /// <summary>The state an uninterrupted, exactly-once run must produce: each valid event applied once.</summary>
    public static Dictionary<string, byte[]> ExpectedStates(IEnumerable<SimulatedRecord> records)
    {
        var states = new Dictionary<string, CustomerState>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Event is not { } ev) continue;
            if (!states.TryGetValue(ev.CustomerId, out var s)) states[ev.CustomerId] = s = new CustomerState();
            s.Apply(ev);
        }
        return states.ToDictionary(kv => kv.Key, kv => CustomerStateCodec.Encode(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>Every record of a one-partition output topic (changes, alerts), from the start to its end now.</summary>
    public List<Message<string, string>> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var tp = new TopicPartition(topic, 0);
        var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var records = new List<Message<string, string>>();
        while (records.Count < end)
            records.Add((consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"read {records.Count} of {end} records of {topic}")).Message);
        return records;
    }

    /// <summary>Every record on the dead-letter topic.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> DeadLetters(int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = "dlq-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(Topics.DeadLetter);
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is not null) records.Add(r);
            else if (records.Count >= expected) break;
        }
        consumer.Close();
        return records;
    }

    public void Dispose()
    {
        Redis.Dispose();
        Kafka.Dispose();
    }
}
