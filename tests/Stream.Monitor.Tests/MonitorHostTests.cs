using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class MonitorHostTests
{
    [Fact]
    public async Task Api_serves_customer_state_only_with_the_key_and_health_and_metrics_answer()
    {
        using var bed = new StreamTestBed(partitions: 2);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 20, Seed = 1, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), Span = TimeSpan.FromDays(60),
        }).Records().ToList();
        bed.Produce(records);
        var ends = bed.EndOffsets();
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?> { ["Stream:Structure:Interval"] = "00:00:01" });
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(60), "ingest");

        using var http = new HttpClient { BaseAddress = new Uri(StreamTestBed.Address(monitor)) };
        var customer = records.First(r => r.Event!.Type == Core.Events.EventType.Purchase).Key;
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/customers/{customer}")).StatusCode);
        http.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-wrong-key-wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/customers/{customer}")).StatusCode);

        http.DefaultRequestHeaders.Remove("X-Api-Key");
        http.DefaultRequestHeaders.Add("X-Api-Key", StreamTestBed.ApiKey);
        var view = await http.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}");
        var purchases = records.Count(r => r.Key == customer && r.Event!.Type == Core.Events.EventType.Purchase);
        Assert.Equal(purchases, view.GetProperty("counts").GetProperty("purchase").GetInt32());
        // Windows are as of the partition's watermark (event time, never the wall clock): inside the simulated span.
        var asOf = DateTime.Parse(view.GetProperty("asOf").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var lastEvent = records.Where(r => r.Key == customer).Max(r => r.Event!.OccurredAt).UtcDateTime.Date;
        Assert.InRange(asOf, lastEvent, new DateTime(2025, 3, 2));
        var purchases30 = records.Count(r => r.Key == customer && r.Event!.Type == Core.Events.EventType.Purchase
            && r.Event.OccurredAt.UtcDateTime.Date > asOf.AddDays(-30));
        Assert.Equal(purchases30, view.GetProperty("signals").GetProperty("purchases30d").GetInt64());
        Assert.False(string.IsNullOrEmpty(view.GetProperty("stage").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/customers/nobody")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("stream_events_consumed_total{topic=\"customer.transactions\",type=\"purchase\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, metrics, StringComparison.Ordinal);

        // Customer structure: every customer is counted once in every dimension, and the gauges carry no ids.
        var customers = records.Select(r => r.Key).Distinct().Count();
        JsonElement structure = default;
        await Eventually.Until(async () =>
        {
            var response = await http.GetAsync("/api/structure");
            if (!response.IsSuccessStatusCode) return false;
            structure = await response.Content.ReadFromJsonAsync<JsonElement>();
            return structure.GetProperty("customers").GetInt32() == customers;
        }, TimeSpan.FromSeconds(30), "a structure report covering every customer");
        foreach (var dimension in new[] { "type", "region", "industry", "tier", "segment", "stage", "potential", "outlook" })
            Assert.Equal(customers, structure.GetProperty("views").GetProperty(dimension).EnumerateArray().Sum(g => g.GetProperty("customers").GetInt32()));
        var tiers = structure.GetProperty("tiers").EnumerateArray().ToList();
        Assert.Equal(["premium", "growth", "potential", "marginal"], tiers.Select(t => t.GetProperty("tier").GetString()));
        Assert.Equal(customers, tiers.Sum(t => t.GetProperty("customers").GetInt32()));
        var withStructure = await http.GetStringAsync("/metrics");
        Assert.Contains("stream_customers{dimension=\"tier\",value=\"premium\"}", withStructure, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, withStructure, StringComparison.Ordinal);

        // Every metric the provisioned dashboards query is one the monitor exports.
        foreach (var file in Directory.GetFiles(Path.Combine(ReferenceData.RepositoryRoot(), "grafana", "dashboards"), "*.json"))
        {
            var queried = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), "stream_[a-z_]+").Select(m => m.Value)
                .Select(n => System.Text.RegularExpressions.Regex.Replace(n, "_(bucket|sum|count)$", "")).Distinct().ToList();
            Assert.NotEmpty(queried);
            Assert.All(queried, name => Assert.Contains($"# TYPE {name} ", withStructure, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_stop_writes_the_waiting_batch_at_once_even_when_batches_may_wait_a_minute()
    {
        using var bed = new StreamTestBed(partitions: 2);
        var (records, ends, monitor, status) = await StartHoldingABatch(bed, seed: 4);
        await using var _ = monitor;
        Assert.Equal(0, status.EventsCommitted);

        // The host waits 30 s for a stop; the batch would wait about a minute more. The stop is seen at once,
        // and the final flush writes what was taken.
        await monitor.StopAsync();
        Assert.True(await bed.CaughtUp(ends), "the batch taken before the stop was not written");
        Assert.Equal(StreamTestBed.UniqueEvents(records), status.EventsCommitted);
    }

    [Fact]
    public async Task Disposing_a_monitor_that_was_not_stopped_waits_for_the_consumer_loop_to_end()
    {
        // A host disposed without StopAsync (an `await using` alone) disposes its singletons, among them the
        // Kafka producer, without stopping its hosted services. The consumer loop must be over by then: a
        // produce into a destroyed librdkafka handle corrupts the native heap.
        using var bed = new StreamTestBed(partitions: 2);
        var (_, ends, monitor, status) = await StartHoldingABatch(bed, seed: 5);
        Assert.True(status.Running);

        await monitor.DisposeAsync();
        Assert.False(status.Running, "the consumer loop was still running after the host was disposed");
        // Its final flush wrote what it had taken, through the producer, before the producer went.
        Assert.True(await bed.CaughtUp(ends), $"the batch taken before the dispose was not written: {await bed.Progress(ends)}");
    }

    /// <summary>500 records produced, and a started monitor that has taken all of them into a batch that may wait a minute.</summary>
    private static async Task<(List<SimulatedRecord> Records, Dictionary<Confluent.Kafka.TopicPartition, long> Ends, WebApplication Monitor, Ingest.IngestStatus Status)>
        StartHoldingABatch(StreamTestBed bed, int seed)
    {
        var (records, ends) = bed.ProduceSimulation(new SimulationOptions
        {
            Customers = 50, Seed = seed, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        }, 500);
        var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Ingest:MaxBatchDelay"] = "00:01:00",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:01:00",
        });
        var status = monitor.Services.GetRequiredService<Ingest.IngestStatus>();
        await monitor.StartAsync();
        // All 500, so that what a stop or a dispose must write is the whole of them.
        await Eventually.Until(() => Task.FromResult(status.RecordsTaken == ends.Values.Sum()), TimeSpan.FromSeconds(60), "all records to be taken");
        return (records, ends, monitor, status);
    }

    [Fact]
    public async Task A_missing_setting_stops_start_up_with_a_message_naming_it()
    {
        using var bed = new StreamTestBed(partitions: 1);
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?> { ["Stream:Kafka:BootstrapServers"] = "" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => monitor.StartAsync());
        Assert.Contains("Stream:Kafka:BootstrapServers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_topics_with_different_partition_counts_make_the_monitor_unready_with_the_reason()
    {
        using var bed = new StreamTestBed(partitions: 2);
        bed.Kafka.CreateTopic("other.transactions", 3);
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?> { ["Stream:Kafka:TransactionsTopic"] = "other.transactions" });
        await monitor.StartAsync();
        var status = monitor.Services.GetRequiredService<Ingest.IngestStatus>();
        await Eventually.Until(() => Task.FromResult(status.FatalError is not null), TimeSpan.FromSeconds(30), "the layout check");
        Assert.Contains("equal partition counts", status.FatalError, StringComparison.Ordinal);
    }
}
