using Confluent.Kafka;

namespace Stream.Monitor.Kafka;

/// <summary>Every Kafka client the monitor uses is made here, so configuration lives in one place.</summary>
public interface IKafkaClientFactory
{
    IConsumer<byte[]?, byte[]?> CreateConsumer(Action<ConsumerBuilder<byte[]?, byte[]?>> configure);

    /// <summary>An idempotent producer for what the pipeline writes: dead letters and status changes.</summary>
    IProducer<byte[]?, byte[]?> CreateProducer();

    IAdminClient CreateAdmin();
}
