using Confluent.Kafka;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Produces records the pipeline must not lose and counts them until acknowledged, so a batch's offsets
/// are committed only after everything it produced is in Kafka.
/// </summary>
public sealed class DeliveryTracker(IProducer<byte[]?, byte[]?> producer) : IDisposable
{
    private int _inFlight;
    private Error? _failure;

    public void Produce(string topic, Message<byte[]?, byte[]?> message)
    {
        Interlocked.Increment(ref _inFlight);
        producer.Produce(topic, message, report =>
        {
            if (report.Error.IsError) _failure ??= report.Error;
            Interlocked.Decrement(ref _inFlight);
        });
    }

    /// <summary>Blocks until every produced record is acknowledged; throws if any was not.</summary>
    public void WaitForDeliveries(TimeSpan timeout)
    {
        if (Volatile.Read(ref _inFlight) == 0 && _failure is null) return;
        producer.Flush(timeout);
        var failure = _failure;
        _failure = null;
        if (failure is not null) throw new KafkaException(failure);
        if (Volatile.Read(ref _inFlight) != 0) throw new TimeoutException($"deliveries still pending after {timeout}");
    }

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }
}
