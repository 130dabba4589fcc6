using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests;

/// <summary>
/// The pipeline checked against <see cref="TopicOracle"/>, an independent recount of the topics, while a
/// simulator produces at a high rate and the monitor consumes: watermarks, idle advance, catch-up batches,
/// review timers and the model refresher all run while records arrive.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LiveOracleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_customer_state_equals_the_recount_of_the_topics_after_live_production(bool redisCluster)
    {
        const int events = 200_000, customers = 5_000, rate = 50_000;
        // 16 partitions keep every partition of the 200k events under the mock broker's ~5 MB: nothing is evicted.
        using var bed = new StreamTestBed(partitions: 16, redisCluster: redisCluster);
        // Event time compressed as `stream simulate` does it: a year of history ending now, sent in seconds.
        var now = DateTimeOffset.UtcNow;
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = customers, Seed = 7, Start = now.AddDays(-365), Span = TimeSpan.FromDays(365), InvalidShare = 0.002, DuplicateShare = 0.02, FarDuplicateShare = 0.01, LateShare = 0.01,
        }).Records().Take(events).ToList();

        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Models:RefitAfterEvents"] = "50000",
            ["Stream:Models:CheckInterval"] = "00:00:01",
        });
        await monitor.StartAsync();
        var status = monitor.Services.GetRequiredService<Ingest.IngestStatus>();

        var clock = Stopwatch.StartNew();
        long committedWhileProducing = 0;
        // Paced, so the monitor consumes while production goes on.
        await bed.ProducePacedAsync(records, rate, whenSent: () => committedWhileProducing = status.EventsCommitted);
        var produced = clock.Elapsed;
        var ends = bed.EndOffsets();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(240), "the monitor to commit every offset");
        output.WriteLine($"produced {records.Count:N0} records in {produced.TotalSeconds:F1} s; {committedWhileProducing:N0} events committed by then; caught up after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(committedWhileProducing > 0, "the monitor committed nothing while production ran: the test did not interleave");

        // Nothing was evicted by the mock broker: the oracle reads every record from offset 0.
        bed.AssertNothingEvicted(ends);
        var recount = TopicOracle.Count(TopicOracle.ReadAll(bed.Kafka.BootstrapServers, ends), bed.Topics, TimeSpan.FromHours(24));
        Assert.Equal(events, recount.Records);
        Assert.True(recount.Duplicates > 0 && recount.Invalid.Count > 0, "the input has re-deliveries and invalid records");
        output.WriteLine($"oracle: {recount.Customers.Count:N0} customers, {recount.Customers.Values.Sum(c => c.EventCount):N0} events, {recount.Duplicates:N0} re-deliveries, {recount.Invalid.Count:N0} invalid");

        // The recount does not model the dedupe capacity: no fingerprint inside the horizon may have been pushed out.
        var metrics = await MetricsText.Scrape(monitor.Services.GetRequiredService<Prometheus.CollectorRegistry>());
        Assert.Equal(0, MetricsText.Sum(metrics, "stream_dedupe_evictions_total"));
        Assert.True(MetricsText.Sum(metrics, "stream_events_late_total") > 0, "no event arrived behind its partition's watermark");

        // Every customer the store holds is one the recount has, and each says what the recount says.
        var stored = await bed.StoredStates();
        if (redisCluster)
        {
            // The partitions' hash tags spread the state over the masters; each partition's transaction stayed in one slot.
            var holding = bed.Redis.Connection.GetServers().Count(server => !server.IsReplica && server.DatabaseSize() > 0);
            Assert.True(holding >= 2, $"state sits on {holding} of 3 masters");
        }
        Assert.Equal(recount.Customers.Keys.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(StreamTestBed.Address(monitor)) };
        http.DefaultRequestHeaders.Add("X-Api-Key", StreamTestBed.ApiKey);
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(recount.Customers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/customers/{Uri.EscapeDataString(c.Key)}", ct);
            if (CustomerTotals.Differences(CustomerTotals.Of(c.Value), CustomerTotals.Of(view)) is { Length: > 0 } diff) mismatches.Add($"{c.Key}: {diff}");
        });
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} of {recount.Customers.Count} customers differ from the recount, e.g. {string.Join("; ", mismatches.Take(5))}");

        // The dead-letter topic holds every invalid record (a clean run sends each once).
        var dead = bed.DeadLetters(recount.Invalid.Count, TimeSpan.FromSeconds(20));
        var sources = dead.Select(DeadLetters.Source).ToList();
        Assert.Equal(recount.Invalid.OrderBy(s => s).ToList(), sources.Distinct().OrderBy(s => s).ToList());
        Assert.Equal(sources.Count, sources.Distinct().Count());
    }
}
