using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;
using Stream.Kafka;

namespace Stream.Monitor.Kafka;

public sealed class KafkaClientFactory(IOptions<KafkaOptions> options) : IKafkaClientFactory
{
    private readonly KafkaOptions _options = options.Value;

    public StreamTopics Topics { get; } = options.Value.Topics;

    public IConsumer<RecordBytes, RecordBytes> CreateConsumer(RecordArena arena, Action<ConsumerBuilder<RecordBytes, RecordBytes>> configure)
    {
        NativeKafka.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            // Offsets live in Redis beside the state; Kafka's committed offsets only feed lag tooling.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Range assigns the same partition number of every input topic to one member: a customer's
            // events from all three topics then meet in one owner (co-partitioning). See docs/adr/0002.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            EnablePartitionEof = false,
            QueuedMinMessages = 200_000,
            FetchMaxBytes = 64 * 1024 * 1024,
            MaxPartitionFetchBytes = 8 * 1024 * 1024,
            // How long a fetch may wait for data before returning empty. Kafka answers as soon as data arrives; the
            // mock cluster waits the whole time, so librdkafka's 500 ms default became 500 ms of latency there.
            FetchWaitMaxMs = 50,
            // How long a partition's fetching pauses once the prefetch queue is over its limit (librdkafka's default:
            // 1 s). A consumer that empties the queue sooner than that waits with nothing to read.
            FetchQueueBackoffMs = 50,
            // A member that crashed holds its partitions until its session expires (Kafka's default: 45 s). librdkafka
            // heartbeats from its own thread, so a long flush does not miss them: 6 s, the broker's default minimum,
            // bounds recovery when a static member id does not bring the partitions back at once.
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 1500,
            // Also the rebalance timeout: how long a join waits for members to rejoin, and how long the client waits
            // for the join's answer (plus 3 s). Kafka's 5 minutes let one lost answer (seen with the mock broker taken
            // down mid-rebalance) stall a member that long; the loop polls far more often, and a flush in a
            // rebalance callback is bounded by its 30 s delivery wait.
            MaxPollIntervalMs = 60_000,
        };
        if (_options.InstanceId is { Length: > 0 } id && id != "none") config.GroupInstanceId = id;
        Apply(config);
        var builder = new ConsumerBuilder<RecordBytes, RecordBytes>(config).SetKeyDeserializer(arena).SetValueDeserializer(arena);
        configure(builder);
        return builder.Build();
    }

    public IProducer<byte[]?, byte[]?> CreateProducer()
    {
        NativeKafka.EnsureLoaded();
        var config = new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        };
        Apply(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config).Build();
    }

    public IAdminClient CreateAdmin()
    {
        NativeKafka.EnsureLoaded();
        var config = new AdminClientConfig { BootstrapServers = _options.BootstrapServers };
        Apply(config);
        return new AdminClientBuilder(config).Build();
    }

    private void Apply(ClientConfig config)
    {
        foreach (var (key, value) in _options.Settings) config.Set(key, value);
    }
}
