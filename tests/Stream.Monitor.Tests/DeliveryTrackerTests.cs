using System.Reflection;
using Confluent.Kafka;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Tests;

/// <summary>
/// The tracker's disposal against produces on other threads, with a stand-in producer: a produce into a disposed
/// librdkafka handle corrupts native memory, so disposal must wait for produces under way and refuse later ones.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DeliveryTrackerTests
{
    [Fact]
    public async Task Dispose_waits_for_a_produce_under_way_and_later_produces_are_refused_without_reaching_the_client()
    {
        var producer = BlockingProducer.Create(out var fake);
        var tracker = new DeliveryTracker(producer);
        var message = new Message<byte[]?, byte[]?> { Value = [1] };

        var producing = Task.Run(() => tracker.Produce("t", message));
        Assert.True(fake.InProduce.Wait(TimeSpan.FromSeconds(10)), "the produce did not start");
        var disposing = Task.Run(tracker.Dispose);
        await Task.Delay(200);
        Assert.False(disposing.IsCompleted, "disposal went ahead while a produce was inside the client");
        Assert.False(fake.Disposed);

        fake.Release.Set();
        await producing.WaitAsync(TimeSpan.FromSeconds(10));
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(fake.Disposed);

        Assert.Throws<ObjectDisposedException>(() => tracker.Produce("t", message));
        Assert.Equal(1, fake.Produced);
    }

    /// <summary>An <see cref="IProducer{TKey,TValue}"/> whose Produce blocks until released; other members are not used.</summary>
    public class BlockingProducer : DispatchProxy
    {
        public ManualResetEventSlim InProduce { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public bool Disposed { get; private set; }
        public int Produced;

        public static IProducer<byte[]?, byte[]?> Create(out BlockingProducer fake)
        {
            var proxy = Create<IProducer<byte[]?, byte[]?>, BlockingProducer>();
            fake = (BlockingProducer)(object)proxy;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case "Produce":
                    Interlocked.Increment(ref Produced);
                    InProduce.Set();
                    Release.Wait();
                    return null;
                case "Flush":
                    return method.ReturnType == typeof(int) ? 0 : null;
                case "Dispose":
                    Disposed = true;
                    return null;
                default:
                    throw new NotSupportedException(method.Name);
            }
        }
    }
}
