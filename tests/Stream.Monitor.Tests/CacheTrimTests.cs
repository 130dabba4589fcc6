using Prometheus;
using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

public sealed class CacheTrimTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_cache_trimmed_every_flush_still_gives_every_customer_all_of_its_events()
    {
        using var bed = new StreamTestBed();
        // Three times the smallest cache allowed, in many small flushes: customers are dropped from the cache
        // after nearly every flush and read back from Redis when their next events come, often while the write
        // that last changed them may still be waiting for the flush's Kafka deliveries.
        var records = new CustomerSimulator(new SimulationOptions { Customers = 3_000, Seed = 21, Start = Start, Span = TimeSpan.FromDays(200) })
            .Records().Take(40_000).ToList();
        bed.Produce(records);
        var ends = bed.EndOffsets();

        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Ingest:MaxCachedCustomers"] = "1000",
            ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.005",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:00:00.005",
            ["Stream:Ingest:MaxBatchRecords"] = "2000",
            // Status changes and dead letters are delivered before the write of the flush that found them: slow
            // deliveries keep each write waiting while the next flushes load customers.
            ["Stream:Kafka:Settings:linger.ms"] = "300",
        });
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(120), "the backlog to be committed");
        Assert.True(status.BatchesCommitted / (double)bed.Partitions >= 10, $"only {status.BatchesCommitted} partition batches: too few flushes to trim between");
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
