using Confluent.Kafka;
using Stream.Kafka;

namespace Stream.Monitor.Kafka;

/// <summary>Every Kafka client the monitor uses is made here, so configuration lives in one place.</summary>
public interface IKafkaClientFactory
{
    /// <summary>The topics the clients read and write.</summary>
    StreamTopics Topics { get; }

    /// <summary>A consumer whose keys and values are slices of <paramref name="arena"/>; see <see cref="RecordArena"/>.</summary>
    IConsumer<RecordBytes, RecordBytes> CreateConsumer(RecordArena arena, Action<ConsumerBuilder<RecordBytes, RecordBytes>> configure);

    /// <summary>An idempotent producer for what the pipeline writes: dead letters and status changes.</summary>
    IProducer<byte[]?, byte[]?> CreateProducer();

    IAdminClient CreateAdmin();
}
