using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Stream.Core.Events;
using Stream.Core.State;
using Stream.Kafka;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Ingest.Flush;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Tests;

/// <summary>
/// The load stage's first round loads the customers the record keys name, so the read stage applies every valid
/// event as it parses it and no parsed event waits for a load.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LoadByKeyTests
{
    private static readonly StreamTopics Topics = new();
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly RecordArena _arena = new();
    private readonly OwnedPartition _partition = new(new PartitionClaim(0, 1, new Dictionary<string, long>(), new Dictionary<string, long>()), new IngestOptions(), Now);
    private readonly RecordReader _reader;
    private long _offset;

    public LoadByKeyTests()
    {
        var ingest = Options.Create(new IngestOptions());
        // Valid records only: nothing is dead-lettered, so there is no publisher.
        _reader = new RecordReader(ingest, Options.Create(new KafkaOptions()), null!, new StateApplier(ingest));
    }

    [Fact]
    public void Each_uncached_customer_a_record_key_names_is_queued_for_loading_once()
    {
        Take("cached", Purchase("cached", 1));
        Read();

        Take("c-1", Purchase("c-1", 2));
        Take("c-2", Purchase("c-2", 3));
        Take("c-1", Purchase("c-1", 4));
        Take("cached", Purchase("cached", 5));
        // Keys no valid event can have: none, empty, not ASCII, longer than a customerId may be.
        Take(null, Purchase("c-3", 6));
        Take("", Purchase("c-4", 7));
        Take("kunde-ü", Purchase("c-5", 8));
        Take(new string('x', EventReader.MaxCustomerIdLength + 1), Purchase("c-6", 9));
        var taken = _partition.Intake.Detach(_partition);

        var byKey = _partition.Customers.EntriesByKey(taken.Records);

        Assert.Equal(["c-1", "c-2"], _partition.Customers.Loading.Select(e => e.CustomerId));
        Assert.Equal(["c-1", "c-2", "c-1", "cached", null, null, null, null], byKey.Select(e => e?.CustomerId));
    }

    [Fact]
    public void Once_the_keyed_customers_are_loaded_every_valid_event_is_applied_as_it_is_read()
    {
        Take("cached", Purchase("cached", 1));
        Read();
        var keys = new[] { "a", "b", "cached", "a", "c", "b", "a" };
        for (var i = 0; i < keys.Length; i++) Take(keys[i], Purchase(keys[i], 10 + i));

        var (read, loaded) = Read();

        // Nothing waits for the apply stage: no parsed event outlives the read.
        Assert.Empty(read.Waiting);
        Assert.Equal(keys.Length, read.Counts.AppliedTotal);
        // Each event went to its own customer's state.
        Assert.Equal([("a", 3L), ("b", 2L), ("c", 1L)], loaded.Select(e => (e.CustomerId, e.State!.EventCount)));
    }

    /// <summary>Takes the batch over, loads its keyed customers as new ones and reads it, as a flush does; returns what it loaded.</summary>
    private (ReadBatch Read, List<CustomerEntry> Loaded) Read()
    {
        var taken = _partition.Intake.Detach(_partition);
        var byKey = _partition.Customers.EntriesByKey(taken.Records);
        var loaded = _partition.Customers.Loading.ToList();
        _partition.Customers.CompleteLoading(new CustomerState?[loaded.Count]);
        return (_reader.Read(new KeyedBatch(taken, byKey), Now, review: null), loaded);
    }

    private void Take(string? key, CustomerEvent ev)
    {
        var context = new SerializationContext(MessageComponentType.Key, Topics.Transactions);
        var keyBytes = key is null ? default : _arena.Deserialize(Encoding.UTF8.GetBytes(key), isNull: false, context);
        var value = _arena.Deserialize(EventWriter.ToUtf8(ev), isNull: false, context);
        Assert.True(_partition.Intake.Take(new ConsumedRecord(Topics.Transactions, 0, _offset++, new Timestamp(Now), keyBytes, value, null)));
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
