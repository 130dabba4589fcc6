using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.State;
using Stream.Monitor.Ingest;
using Stream.Monitor.Models;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests;

/// <summary>Runs alone: it measures stalls, which other tests' load on a 2-core machine would add.</summary>
[CollectionDefinition(nameof(ModelBuildConcurrencyTests), DisableParallelization = true)]
public sealed class ModelBuildConcurrencyCollection;

[Collection(nameof(ModelBuildConcurrencyTests))]
[Trait("Category", "Integration")]
public sealed class ModelBuildConcurrencyTests(ITestOutputHelper output)
{
    private const int StoredCustomers = 120_000;

    /// <summary>
    /// Fitting never blocks ingestion: with 120,000 stored customers the first model build takes
    /// seconds, and events produced meanwhile keep being committed, batch after batch, while it runs (the build
    /// holds the model lock in Redis from start to publish, which marks the window).
    /// </summary>
    [Fact]
    public async Task Events_keep_committing_while_the_population_model_is_built()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await SeedStoredCustomersAsync(bed, start);

        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 5_000, Seed = 12, Start = start.AddDays(300), Span = TimeSpan.FromDays(60),
        }).Records().Where(r => r.Event is not null).ToList();
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?> { ["Stream:Models:CheckInterval"] = "00:00:00.100" });
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        var current = monitor.Services.GetRequiredService<CurrentModel>();
        await monitor.StartAsync();

        // Events arrive steadily (about 4,000 a second) until the model is in use.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var producing = Task.Run(async () =>
        {
            using var producer = bed.CreateProducer();
            for (var i = 0; i < records.Count && current.Model is null && !stop.IsCancellationRequested; i++)
            {
                SimulationSender.Send(producer, records[i], _ => { });
                if (i % 100 == 99) await Task.Delay(25);
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        });

        // Sample the lock (held for the whole build) and the commits until the model is adopted.
        var db = bed.Redis.Connection.GetDatabase();
        var clock = Stopwatch.StartNew();
        var samples = new List<(TimeSpan At, bool Building, long Batches, long Events)>();
        while (current.Model is null)
        {
            if (stop.IsCancellationRequested)
                Assert.Fail($"no model was built within two minutes; last sample {samples.LastOrDefault()}, building seen {samples.Any(x => x.Building)}");
            samples.Add((clock.Elapsed, await db.KeyExistsAsync(bed.Keys.ModelLock), status.BatchesCommitted, status.EventsCommitted));
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        await producing;

        var building = samples.SkipWhile(s => !s.Building).ToList();
        Assert.NotEmpty(building);
        var window = building[^1].At - building[0].At;
        var batches = building[^1].Batches - building[0].Batches;
        var events = building[^1].Events - building[0].Events;
        // The longest time inside the build without a new committed batch.
        var longestStall = TimeSpan.Zero;
        var lastProgress = building[0];
        foreach (var s in building.Skip(1))
        {
            if (s.Batches > lastProgress.Batches) lastProgress = s;
            else if (s.At - lastProgress.At > longestStall) longestStall = s.At - lastProgress.At;
        }
        output.WriteLine($"{records.Count:N0} records available to produce");
        output.WriteLine($"model build over {current.Model.Customers:N0} customers took {window.TotalSeconds:F2} s; meanwhile {batches} batches " +
            $"({events:N0} events) committed, longest stall {longestStall.TotalMilliseconds:F0} ms");
        Assert.True(current.Model.Customers >= StoredCustomers);
        Assert.True(window >= TimeSpan.FromSeconds(0.5), $"the build took only {window.TotalSeconds:F2} s: too short to show anything");
        Assert.True(batches >= 2 && events > 0, $"{batches} batches committed during a {window.TotalSeconds:F2} s build");
        // Blocked ingestion would stall for the whole build; sharing two cores with the fit may slow it down.
        Assert.True(longestStall < window / 2, $"ingestion stalled {longestStall.TotalMilliseconds:F0} ms during a {window.TotalSeconds:F2} s build");
    }

    /// <summary>
    /// Writes customers straight into Redis, as earlier ingestion would have: histories drawn from the BG/NBD
    /// process (CDNOW-like parameters) ending on day 300, order values from the Gamma-Gamma process, so both
    /// models have a finite fit.
    /// </summary>
    private static async Task SeedStoredCustomersAsync(StreamTestBed bed, DateTimeOffset start)
    {
        var histories = BgNbdPopulation.Draw(new BgNbdParameters(0.27, 42, 0.48, 2.1), StoredCustomers, 300, seed: 20251);
        var random = new Random(20252);
        var spendRate = new MathNet.Numerics.Distributions.Gamma(4, 15, random);
        var db = bed.Redis.Connection.GetDatabase();
        for (var from = 0; from < StoredCustomers; from += 10_000)
        {
            var batch = db.CreateBatch();
            var writes = new List<Task>(10_000);
            for (var i = from; i < from + 10_000; i++)
            {
                var id = $"stored-{i:D6}";
                var h = histories[i];
                var first = start.AddDays(300 - h.Age);
                var order = new MathNet.Numerics.Distributions.Gamma(6, spendRate.Sample(), random);
                var state = new CustomerState();
                for (var k = 0; k <= h.Frequency; k++)
                {
                    // The first and last purchase where the history puts them, repeats spread between.
                    var day = h.Frequency == 0 ? 0 : Math.Round(h.Recency * k / h.Frequency);
                    state.Apply(new CustomerEvent
                    {
                        EventId = $"{id}-{k}", CustomerId = id, OccurredAt = first.AddDays(day).AddHours(10),
                        Type = EventType.Purchase, Amount = Math.Round((decimal)Math.Max(0.01, order.Sample()), 2), Currency = "USD", OrderId = $"o-{id}-{k}",
                    });
                }
                writes.Add(batch.StringSetAsync(bed.Keys.Customer(i % bed.Partitions, id), CustomerStateCodec.Encode(state)));
            }
            batch.Execute();
            await Task.WhenAll(writes);
        }
    }
}
