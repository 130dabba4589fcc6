using Confluent.Kafka;

namespace Stream.Producer.Simulation;

/// <summary>Sends simulated records through the SDK: valid ones validated, faulty ones as raw bytes.</summary>
public static class SimulationSender
{
    public static void Send(StreamProducer producer, SimulatedRecord record, Action<Error>? onError = null)
    {
        if (record.Event is { } ev)
        {
            producer.Enqueue(ev, onError);
            return;
        }
        producer.EnqueueRaw(producer.Options.Topics.For(record.Kind), new Message<string, byte[]>
        {
            Key = record.Key,
            Value = record.Value,
            Timestamp = new Timestamp(DateTime.UtcNow, TimestampType.CreateTime),
        }, onError);
    }
}
