using Confluent.Kafka;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Produces records the pipeline must not lose and counts them until acknowledged, in groups: a batch's
/// offsets are committed only after every record produced for it (and before it) is in Kafka, while the
/// consumer thread goes on with the next batch.
/// </summary>
public sealed class DeliveryTracker(IProducer<byte[]?, byte[]?> producer) : IDisposable
{
    private DeliveryGroup _open = new();
    // Produce calls inside the client now, and whether Dispose has begun: a produce into a destroyed librdkafka
    // handle corrupts the native heap, so disposal waits for those calls and later ones are refused.
    private int _producing;
    private volatile bool _closed;

    /// <summary>
    /// Produces a record into the open group; <paramref name="reported"/>, if given, hears whether it was delivered.
    /// Threads may call it together, but not while <see cref="DeliveredAsync"/> runs.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The tracker is being disposed.</exception>
    public void Produce(string topic, Message<byte[]?, byte[]?> message, Action<bool>? reported = null)
    {
        // The increment is a full fence, as is Dispose's barrier: one of the two always sees the other.
        Interlocked.Increment(ref _producing);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var group = _open;
            group.Add();
            try
            {
                producer.Produce(topic, message, report =>
                {
                    reported?.Invoke(!report.Error.IsError);
                    group.Done(report.Error);
                });
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                group.Done(ex.Error);
                throw;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _producing);
        }
    }

    /// <summary>
    /// Closes the open group: the task completes once each of its records is acknowledged, and faults with
    /// the first delivery error. Records produced afterwards belong to the next group.
    /// </summary>
    public Task DeliveredAsync()
    {
        var group = _open;
        _open = new DeliveryGroup();
        group.Close();
        return group.Completion;
    }

    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        Interlocked.MemoryBarrier();
        SpinWait.SpinUntil(() => Volatile.Read(ref _producing) == 0);
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }

    private sealed class DeliveryGroup
    {
        // One for the group being open, released by Close.
        private int _pending = 1;
        private Error? _failure;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completion => _done.Task;

        public void Add() => Interlocked.Increment(ref _pending);

        public void Done(Error error)
        {
            if (error.IsError) Interlocked.CompareExchange(ref _failure, error, null);
            Release();
        }

        public void Close() => Release();

        private void Release()
        {
            if (Interlocked.Decrement(ref _pending) != 0) return;
            if (Volatile.Read(ref _failure) is { } failure) _done.SetException(new KafkaException(failure));
            else _done.SetResult();
        }
    }
}
