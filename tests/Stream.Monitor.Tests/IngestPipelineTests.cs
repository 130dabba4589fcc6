using System.Text;
using Prometheus;
using Stream.Core.Events;
using Stream.Monitor.Kafka;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class IngestPipelineTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task State_equals_the_valid_deduplicated_events_and_every_invalid_event_is_dead_lettered_with_its_reason(bool redisCluster)
    {
        using var bed = new StreamTestBed(redisCluster: redisCluster);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 150, Seed = 7, Start = Start, Span = TimeSpan.FromDays(120), InvalidShare = 0.01, DuplicateShare = 0.03,
        }).Records().ToList();
        Assert.Contains(records, r => r.IsDuplicate);
        var rejects = records.Where(r => r.ExpectedReject is not null).ToList();
        Assert.Equal(Enum.GetValues<RejectReason>().Length - 1, rejects.Select(r => r.ExpectedReject).Distinct().Count());

        bed.Produce(records);
        var ends = bed.EndOffsets();

        await using var monitor = bed.CreateMonitor();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(60), "the monitor to commit every offset");
        var status = monitor.Services.GetRequiredService<Ingest.IngestStatus>();
        var unique = StreamTestBed.UniqueEvents(records);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == unique && status.Rejected == rejects.Count), TimeSpan.FromSeconds(10),
            "the last write to be reported");

        var expected = StreamTestBed.ExpectedStates(records);
        var stored = await bed.StoredStates();
        Assert.Equal(expected.Keys.Order(), stored.Keys.Order());
        foreach (var (id, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(stored[id]), $"state of {id} differs");

        var dead = bed.DeadLetters(rejects.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(rejects.Count, dead.Count);
        var deadByValue = dead.ToLookup(d => Convert.ToBase64String(d.Message.Value ?? []));
        foreach (var reject in rejects)
        {
            var match = Assert.Single(deadByValue[Convert.ToBase64String(reject.Value)], d => Encoding.UTF8.GetString(d.Message.Key!) == reject.Key);
            Assert.Equal(reject.ExpectedReject!.Value.WireName(), DeadLetters.Header(match, DeadLetterPublisher.ReasonHeader));
            Assert.Equal(bed.Topics.For(reject.Kind), DeadLetters.Header(match, DeadLetterPublisher.SourceTopicHeader));
            Assert.NotNull(DeadLetters.Header(match, DeadLetterPublisher.SourceOffsetHeader));
        }

        var registry = monitor.Services.GetRequiredService<CollectorRegistry>();
        var metricsText = await MetricsText.Scrape(registry);
        foreach (var reason in rejects.GroupBy(r => r.ExpectedReject!.Value))
        {
            var total = MetricsText.Sum(metricsText, "stream_events_invalid_total", $"reason=\"{reason.Key.WireName()}\"");
            Assert.Equal(reason.Count(), total);
        }
        Assert.Equal(records.Count(r => r.IsDuplicate), MetricsText.Sum(metricsText, "stream_events_duplicate_total"));
        Assert.DoesNotContain("c-0", metricsText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cache_trimmed_every_flush_still_gives_every_customer_all_of_its_events()
    {
        using var bed = new StreamTestBed();
        // Three times the smallest cache allowed, in many small flushes: customers are dropped from the cache
        // after nearly every flush and read back from Redis when their next events come, often while the write
        // that last changed them may still be waiting for the flush's Kafka deliveries.
        var (records, ends) = bed.ProduceSimulation(new SimulationOptions { Customers = 3_000, Seed = 21, Start = Start, Span = TimeSpan.FromDays(200) }, 40_000);

        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Ingest:MaxCachedCustomers"] = "1000",
            ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.005",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:00:00.005",
            // 500 new records make a batch due: at least 80 flushes, unless batches wait for a running flush (below). A flush may carry only one or two partitions when the
            // client hands over long runs of one partition (seen on a busy machine with 2,000: 34 partition batches),
            // and records the timestamp merge keeps back for the next flush come on top: they wait for the other
            // topics' next fetch, so fetches are kept small too (with 1 MB fetches, 25 and 37 partition batches).
            ["Stream:Ingest:MaxBatchRecords"] = "500",
            ["Stream:Kafka:Settings:max.partition.fetch.bytes"] = "65536",
            // Status changes and dead letters are delivered before the write of the flush that found them: slow
            // deliveries keep each write waiting while the next flushes load customers.
            ["Stream:Kafka:Settings:linger.ms"] = "300",
        });
        var status = monitor.Services.GetRequiredService<Ingest.IngestStatus>();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(120), "the backlog to be committed");
        // Counts follow the Redis commits by a poll of the consumer loop, and here each write waits 300 ms.
        var unique = StreamTestBed.UniqueEvents(records);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == unique), TimeSpan.FromSeconds(20), "the last writes to be reported");
        // A full batch reads on while the previous flush waits its 300 ms for deliveries, so batches outgrow 500 records
        // by however much the client fetched meanwhile: 36 partition batches on a busy machine, over 200 on a quiet one.
        Assert.True(status.BatchesCommitted / (double)bed.Partitions >= 5, $"only {status.BatchesCommitted} partition batches: too few flushes to trim between");
        var cached = MetricsText.Sum(await MetricsText.Scrape(monitor.Services.GetRequiredService<CollectorRegistry>()), "stream_customers_cached");
        Assert.True(cached < 3_000, $"{cached} customers cached: the cache was never trimmed");

        var expected = StreamTestBed.ExpectedStates(records);
        var stored = await bed.StoredStates();
        Assert.Equal(expected.Keys.Order(), stored.Keys.Order());
        var differing = expected.Where(kv => !kv.Value.AsSpan().SequenceEqual(stored[kv.Key])).Select(kv => kv.Key).ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} customers' states differ from their events, e.g. {string.Join(", ", differing.Take(5))}");
        await monitor.StopAsync();
    }
}
