using System.Text;
using Confluent.Kafka;
using Stream.Core.Events;
using Stream.Core.State;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;
using Stream.Producer;

namespace Stream.Monitor.Tests;

public sealed class OwnedPartitionTests
{
    private static readonly StreamTopics Topics = new();
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly RecordArena _arena = new();
    private readonly OwnedPartition _partition = new(new PartitionClaim(0, 1, new Dictionary<string, long>(), new Dictionary<string, long>()), new IngestOptions(), Now);
    private long _offset;

    [Fact]
    public void Each_uncached_customer_a_record_key_names_is_queued_for_loading_once()
    {
        Take("cached", Purchase("cached", 1));
        Flush();

        Take("c-1", Purchase("c-1", 2));
        Take("c-2", Purchase("c-2", 3));
        Take("c-1", Purchase("c-1", 4));
        Take("cached", Purchase("cached", 5));
        // Keys no valid event can have: none, empty, not ASCII, longer than a customerId may be.
        Take(null, Purchase("c-3", 6));
        Take("", Purchase("c-4", 7));
        Take("kunde-ü", Purchase("c-5", 8));
        Take(new string('x', EventReader.MaxCustomerIdLength + 1), Purchase("c-6", 9));
        _partition.Detach();

        _partition.QueueLoads();

        Assert.Equal(["c-1", "c-2"], _partition.Loading.Select(e => e.CustomerId));
    }

    [Fact]
    public void Once_the_keyed_customers_are_loaded_every_valid_event_is_applied_as_it_is_read()
    {
        Take("cached", Purchase("cached", 1));
        Flush();
        var keys = new[] { "a", "b", "cached", "a", "c", "b", "a" };
        for (var i = 0; i < keys.Length; i++) Take(keys[i], Purchase(keys[i], 10 + i));

        var loaded = Read();

        // Nothing waits for ApplyRead: no parsed event outlives the read.
        Assert.Equal(keys.Length, _partition.Flushing.AppliedTotal);
        _partition.ApplyRead();
        Assert.Equal(keys.Length, _partition.Flushing.AppliedTotal);
        // Each event went to its own customer's state, which shares its id string with the applied events.
        Assert.Equal([("a", 3L), ("b", 2L), ("c", 1L)], loaded.Select(e => (e.CustomerId, e.State!.EventCount)));
    }

    /// <summary>
    /// Reads the taken records as a flush does, up to <see cref="OwnedPartition.ApplyRead"/>, loading their
    /// customers as new ones; returns the entries it loaded.
    /// </summary>
    private List<CustomerEntry> Read()
    {
        _partition.Detach();
        _partition.QueueLoads();
        var loaded = _partition.Loading.ToList();
        _partition.CompleteLoading(new CustomerState?[loaded.Count]);
        // Valid records only: nothing is dead-lettered, so there is no publisher.
        _partition.ReadTaken(new EventReader(new EventLimits()), Topics, null!, Now);
        return loaded;
    }

    private void Flush()
    {
        Read();
        _partition.ApplyRead();
    }

    private void Take(string? key, CustomerEvent ev)
    {
        var context = new SerializationContext(MessageComponentType.Key, Topics.Transactions);
        var keyBytes = key is null ? default : _arena.Deserialize(Encoding.UTF8.GetBytes(key), isNull: false, context);
        var value = _arena.Deserialize(EventWriter.ToUtf8(ev), isNull: false, context);
        Assert.True(_partition.Take(new ConsumedRecord(Topics.Transactions, 0, _offset++, new Timestamp(Now), keyBytes, value, null)));
    }

    private static CustomerEvent Purchase(string customerId, int n) => new()
    {
        EventId = $"e-{n}",
        CustomerId = customerId,
        OccurredAt = Now.AddMinutes(-n),
        Type = EventType.Purchase,
        Amount = 10m,
        Currency = "USD",
        OrderId = $"o-{n}",
    };
}
