using Confluent.Kafka;

namespace Stream.Monitor.Kafka;

/// <summary>Every Kafka client the monitor uses is made here, so configuration lives in one place.</summary>
public interface IKafkaClientFactory
{
    IConsumer<byte[]?, byte[]?> CreateConsumer(Action<ConsumerBuilder<byte[]?, byte[]?>> configure);

    IProducer<byte[]?, byte[]?> CreateDeadLetterProducer();

    IAdminClient CreateAdmin();
}
