using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Testing;
using Stream.Monitor.Ingest;
using Stream.Monitor.Kafka;
using Stream.Monitor.Tests.Support;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

/// <summary>Nothing in a record's bytes or size stops ingestion, and failed flushes do not multiply dead letters.</summary>
[Trait("Category", "Integration")]
public sealed class PoisonPillTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A 2 MB and a 4.5 MB record, each too large for the dead-letter topic, are dead-lettered once as truncated
    /// copies that carry the original's size and SHA-256, and events produced around them are all applied.
    /// The mock broker keeps about 5 MB per partition (a 20 MB record is dropped as it is appended; the publisher
    /// test below takes that size), so each large record is produced once the monitor has caught up, and read
    /// before anything follows it.
    /// </summary>
    [Fact]
    public async Task Records_larger_than_the_dead_letter_topic_allows_go_there_truncated_once_and_ingestion_goes_on()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var records = new CustomerSimulator(new SimulationOptions { Customers = 120, Seed = 11, Start = Start, Span = TimeSpan.FromDays(60) })
            .Records().ToList();
        var thirds = records.Chunk((records.Count + 2) / 3).ToList();
        await using var monitor = bed.CreateMonitor();
        await monitor.StartAsync();

        using var big = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bed.Kafka.BootstrapServers, MessageMaxBytes = 32 * 1024 * 1024, Acks = Acks.All,
        }).Build();
        var originals = new List<(long Offset, byte[] Value)>();
        var transactions = new TopicPartition(bed.Topics.Transactions, 1);
        foreach (var (chunk, size) in thirds.Zip(new[] { 2 * 1024 * 1024, 9 * 512 * 1024 }))
        {
            bed.Produce(chunk);
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(60), "the monitor to catch up");
            var value = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', size) + "\"}");
            var sent = await big.ProduceAsync(transactions, new Message<byte[], byte[]> { Key = "c-big"u8.ToArray(), Value = value });
            originals.Add((sent.Offset.Value, value));
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(60), $"the {size} B record to be committed past");
        }
        bed.Produce(thirds[2]);
        await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(60), "the events after the large records");
        await bed.AssertStoredStatesExpected(records);

        var dead = bed.DeadLetters(2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, dead.Count);
        var maxBytes = new Configuration.KafkaOptions().DeadLetterMaxBytes;
        foreach (var (offset, value) in originals)
        {
            var copy = Assert.Single(dead, d => DeadLetters.Header(d, DeadLetterPublisher.SourceOffsetHeader) == offset.ToString(CultureInfo.InvariantCulture));
            Assert.Equal("oversize", DeadLetters.Header(copy, DeadLetterPublisher.ReasonHeader));
            Assert.Equal("true", DeadLetters.Header(copy, DeadLetterPublisher.TruncatedHeader));
            Assert.Equal(value.Length.ToString(CultureInfo.InvariantCulture), DeadLetters.Header(copy, DeadLetterPublisher.OriginalSizeHeader));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(value)), DeadLetters.Header(copy, DeadLetterPublisher.OriginalSha256Header));
            Assert.InRange(copy.Message.Value!.Length, 1, maxBytes);
            Assert.True(value.AsSpan().StartsWith(copy.Message.Value), "the copy is the original's first bytes");
            Assert.Equal("c-big", Encoding.UTF8.GetString(copy.Message.Key!));
        }
    }

    /// <summary>
    /// Redis refuses the monitor's batch writes (claims still work) while a batch with invalid records is read
    /// and flushed again and again; then it refuses claims too, and the records are not produced again. Once it
    /// accepts writes, the monitor claims its partitions without waiting for new records, and every invalid
    /// record is on the dead-letter topic exactly once.
    /// </summary>
    [Fact]
    public async Task Failed_flushes_do_not_dead_letter_a_record_again()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 200, Seed = 12, Start = Start, Span = TimeSpan.FromDays(90), InvalidShare = 0.02,
        }).Records().ToList();
        var rejects = records.Count(r => r.ExpectedReject is not null);
        Assert.InRange(rejects, 20, 1000);

        var db = bed.Redis.Connection.GetDatabase();
        await db.ExecuteAsync("ACL", "SETUSER", "m", "on", ">m-secret", "~*", "&*", "+@all");
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Redis:Configuration"] = $"{bed.Redis.ConnectionString},user=m,password=m-secret",
        });
        await monitor.StartAsync();
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await Eventually.Until(() => Task.FromResult(status.OwnedPartitions == 4), TimeSpan.FromSeconds(60), "the monitor to own every partition");

        // The claim's INCR is allowed: each retry claims, reads the batch again and fails to write it.
        await db.ExecuteAsync("ACL", "SETUSER", "m", "-@write", "+incr");
        bed.Produce(records);
        var log = monitor.Services.GetFakeLogCollector();
        int Failed(string text) => log.GetSnapshot().Count(r => r.Message.Contains(text, StringComparison.Ordinal));
        await Eventually.Until(() => Task.FromResult(Failed("failed to commit") >= 8), TimeSpan.FromSeconds(60), "eight failed partition writes");
        Assert.Equal(0, status.EventsCommitted);
        // Health names the partitions that cannot commit, and so does the metric.
        using var http = new HttpClient { BaseAddress = new Uri(StreamTestBed.Address(monitor)) };
        var ready = await http.GetStringAsync("/health/ready");
        Assert.Equal("Degraded", ready);
        Assert.NotEmpty(status.FailingPartitions);
        var metrics = await MetricsText.Scrape(monitor.Services.GetRequiredService<Prometheus.CollectorRegistry>());
        Assert.True(MetricsText.Sum(metrics, "stream_partition_failed_writes") >= status.FailingPartitions.Count);

        await db.ExecuteAsync("ACL", "SETUSER", "m", "-incr");
        var before = Failed("Claiming partition");
        await Eventually.Until(() => Task.FromResult(Failed("Claiming partition") > before), TimeSpan.FromSeconds(60), "a failed claim");

        await db.ExecuteAsync("ACL", "SETUSER", "m", "+@all");
        var ends = bed.EndOffsets();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(60), "the monitor to commit every offset");
        await bed.AssertStoredStatesExpected(records);
        Assert.Empty(status.FailingPartitions);
        Assert.Equal("Healthy", await http.GetStringAsync("/health/ready"));

        var dead = bed.DeadLetters(rejects, TimeSpan.FromSeconds(10));
        var copies = dead.GroupBy(DeadLetters.Source)
            .Select(g => g.Count()).ToList();
        Assert.Equal(rejects, copies.Count);
        Assert.All(copies, n => Assert.Equal(1, n));
    }

    /// <summary>A 20 MB record goes out truncated; read again before its batch commits, it is not sent again.</summary>
    [Fact]
    public async Task A_twenty_megabyte_record_is_dead_lettered_truncated_and_only_once_until_its_batch_commits()
    {
        using var bed = new StreamTestBed(partitions: 1);
        var value = new byte[20 * 1024 * 1024];
        new Random(5).NextBytes(value);
        var record = new ConsumedRecord(bed.Topics.Transactions, 0, 42, new Timestamp(DateTime.UnixEpoch, TimestampType.CreateTime),
            new RecordBytes("c-1"u8.ToArray(), 0, 3), new RecordBytes(value, 0, value.Length), null);
        using (var deliveries = new DeliveryTracker(new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bed.Kafka.BootstrapServers }).Build()))
        {
            var publisher = new DeadLetterPublisher(deliveries, bed.Topics.DeadLetter, 900_000);
            publisher.Publish(record, Core.Events.RejectReason.Oversize, "20971520 bytes");
            await deliveries.DeliveredAsync().WaitAsync(TimeSpan.FromSeconds(30));
            // The batch failed and is read again: the delivered copy is not sent again.
            publisher.Publish(record, Core.Events.RejectReason.Oversize, "20971520 bytes");
            await deliveries.DeliveredAsync().WaitAsync(TimeSpan.FromSeconds(30));
            // Committed: a later owner's re-read (after a crash) would be a new cycle, and is sent.
            publisher.Committed(0, new Dictionary<string, long> { [bed.Topics.Transactions] = 43 });
            publisher.Publish(record, Core.Events.RejectReason.Oversize, "20971520 bytes");
            await deliveries.DeliveredAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        var dead = bed.DeadLetters(2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, dead.Count);
        var copy = dead[0];
        Assert.Equal("true", DeadLetters.Header(copy, DeadLetterPublisher.TruncatedHeader));
        Assert.Equal("20971520", DeadLetters.Header(copy, DeadLetterPublisher.OriginalSizeHeader));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(value)), DeadLetters.Header(copy, DeadLetterPublisher.OriginalSha256Header));
        Assert.Equal("42", DeadLetters.Header(copy, DeadLetterPublisher.SourceOffsetHeader));
        Assert.InRange(copy.Message.Value!.Length, 800_000, 900_000);
        Assert.True(value.AsSpan().StartsWith(copy.Message.Value));
    }

    /// <summary>
    /// Redis refuses the writes of partition 2 alone (an ACL that lets the monitor claim it but not write its state):
    /// the other partitions commit everything meanwhile, health names partition 2, and once it may write it catches up.
    /// </summary>
    [Fact]
    public async Task A_partition_that_cannot_commit_does_not_hold_the_others()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var records = new CustomerSimulator(new SimulationOptions { Customers = 300, Seed = 13, Start = Start, Span = TimeSpan.FromDays(90) })
            .Records().ToList();
        var db = bed.Redis.Connection.GetDatabase();
        // Every key readable; every key but partition 2's writable, and its epoch, so that it can still be claimed.
        await db.ExecuteAsync("ACL", "SETUSER", "m", "on", ">m-secret", "resetkeys", "%R~*", "~test:{p0}:*", "~test:{p1}:*", "~test:{p3}:*",
            "~test:meta:*", "~test:{models}:*", "%W~test:{p2}:epoch", "&*", "+@all");
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Redis:Configuration"] = $"{bed.Redis.ConnectionString},user=m,password=m-secret",
            // Small batches: many writes per partition, so the others could not finish between global restarts.
            ["Stream:Ingest:MaxBatchRecords"] = "100",
        });
        await monitor.StartAsync();
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        bed.Produce(records);
        var ends = bed.EndOffsets();
        var others = ends.Where(e => e.Key.Partition.Value != 2).ToDictionary();
        Assert.True(ends.Where(e => e.Key.Partition.Value == 2).Sum(e => e.Value) > 0, "partition 2 has records");

        await Eventually.Until(() => bed.CaughtUp(others), TimeSpan.FromSeconds(60), "partitions 0, 1 and 3 to commit every offset");
        Assert.Equal([2], status.FailingPartitions.Keys);
        Assert.False(await bed.CaughtUp(ends));
        var metrics = await MetricsText.Scrape(monitor.Services.GetRequiredService<Prometheus.CollectorRegistry>());
        Assert.True(MetricsText.Sum(metrics, "stream_partition_failed_writes", "partition=\"2\"") > 0);

        await db.ExecuteAsync("ACL", "SETUSER", "m", "~*");
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(60), "partition 2 to catch up");
        await bed.AssertStoredStatesExpected(records);
        Assert.Empty(status.FailingPartitions);
    }
}
