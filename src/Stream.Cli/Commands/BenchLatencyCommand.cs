using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Stream.Monitor;
using Stream.Monitor.Ingest;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream bench latency</c>: record-to-commit and event-to-alert latency under a steady, paced load — the figures a live
/// monitor is judged by, which <c>bench ingest</c> (everything produced before consuming) cannot give. The
/// quantiles come from the monitor's own <c>stream_pipeline_latency_seconds</c> histogram, read from its
/// /metrics endpoint before and after the measured window, interpolated within buckets as Prometheus'
/// histogram_quantile does.
/// </summary>
internal static class BenchLatencyCommand
{
    private const string Histogram = "stream_pipeline_latency_seconds_bucket";

    /// <summary>Record of the event that raised an alert → the alert's batch committed (the alert is in Kafka by then).</summary>
    private const string AlertHistogram = "stream_alert_latency_seconds_bucket";

    public static Command Create()
    {
        var rate = new Option<int>("--rate") { Description = "Events per second to produce", DefaultValueFactory = _ => 20_000 };
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds, after a warm-up of a third as long", DefaultValueFactory = _ => 30 };
        var customers = CommonOptions.Customers(100_000);
        var partitions = CommonOptions.Partitions(16);
        var seed = CommonOptions.Seed();
        var redis = CommonOptions.BenchRedis();
        var command = new Command("latency", "Record-to-commit and event-to-alert latency percentiles under a steady paced load")
        {
            rate, seconds, customers, partitions, seed, redis,
        };
        command.SetAction(async (parse, ct) => await Run(parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(customers),
            parse.GetValue(partitions), parse.GetValue(seed), parse.GetValue(redis), ct));
        return command;
    }

    private static async Task<int> Run(int rate, int seconds, int customers, int partitions, int seed, string? redis, CancellationToken ct)
    {
        if (rate <= 0 || seconds <= 0) throw new ArgumentException("--rate and --seconds must be positive");
        using var stack = new EmbeddedStack(partitions, redis, preferRedisServer: true);
        AnsiConsole.MarkupLineInterpolated($"[grey]Kafka mock cluster, {partitions} partitions per topic; store: {stack.StoreName}[/]");
        await using var monitor = MonitorApp.Create(stack.MonitorSettings("bench-api-key-not-used-0000"), "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Warning));
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await monitor.StartAsync(ct);
        while (status.OwnedPartitions < partitions) await Task.Delay(10, ct);
        using var http = new HttpClient { BaseAddress = new Uri(MonitorApp.Address(monitor)) };

        var records = new CustomerSimulator(new SimulationOptions { Customers = customers, Seed = seed, Start = DateTimeOffset.UtcNow.AddDays(-365) })
            .Records().GetEnumerator();
        using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = stack.Kafka.BootstrapServers });
        Error? failure = null;
        var limiter = new RateLimiter(rate);
        long produced = 0;
        async Task ProduceFor(TimeSpan duration)
        {
            var until = Stopwatch.StartNew();
            while (until.Elapsed < duration)
            {
                if (!records.MoveNext()) throw new InvalidOperationException("the simulation ran out of events: raise --customers");
                SimulationSender.Send(producer, records.Current, e => failure ??= e);
                produced++;
                await limiter.WaitTurnAsync(ct);
            }
        }

        await ProduceFor(TimeSpan.FromSeconds(seconds / 3.0));
        var before = await ScrapeAsync(http, Histogram, ct);
        var alertsBefore = await ScrapeAsync(http, AlertHistogram, ct);
        var committedBefore = status.EventsCommitted;
        var window = Stopwatch.StartNew();
        await ProduceFor(TimeSpan.FromSeconds(seconds));
        var producedRate = produced / (seconds * 4 / 3.0);
        producer.Flush(TimeSpan.FromSeconds(30));
        if (failure is not null) throw new KafkaException(failure);
        // Everything produced must be committed: a monitor that falls behind shows it here, not as a good tail.
        var drain = Stopwatch.StartNew();
        while (status.EventsCommitted < produced && drain.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(5, ct);
        var committedRate = (status.EventsCommitted - committedBefore) / window.Elapsed.TotalSeconds;
        var after = await ScrapeAsync(http, Histogram, ct);
        var alertsAfter = await ScrapeAsync(http, AlertHistogram, ct);
        await monitor.StopAsync(ct);
        if (status.EventsCommitted < produced)
            throw new InvalidOperationException($"only {status.EventsCommitted:N0} of {produced:N0} events committed a minute after producing stopped");

        var buckets = Window(before, after);
        var observed = buckets[^1].Count;
        var alertBuckets = Window(alertsBefore, alertsAfter);
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("offered load", $"{producedRate:N0} events/s ({rate:N0} asked)");
        table.AddRow("committed during the window (incl. drain)", $"{committedRate:N0} events/s");
        table.AddRow("latencies observed in the window", $"{observed:N0}");
        var quantiles = new[] { 0.5, 0.9, 0.99, 0.999 }.ToDictionary(q => q, q => Quantile(buckets, q));
        foreach (var (q, latency) in quantiles) table.AddRow($"p{q * 100:0.#} record → committed", Format(latency));
        table.AddRow("alerts raised by events in the window", $"{alertBuckets[^1].Count:N0}");
        var alertQuantiles = new[] { 0.5, 0.99, 0.999 }.ToDictionary(q => q, q => Quantile(alertBuckets, q));
        foreach (var (q, latency) in alertQuantiles) table.AddRow($"p{q * 100:0.#} event → alert (record → alert committed)", Format(latency));
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-latency rate={producedRate:F0} committed_eps={committedRate:F0} observed={observed} p50_ms={quantiles[0.5] * 1000:F1} " +
            $"p99_ms={quantiles[0.99] * 1000:F1} p999_ms={quantiles[0.999] * 1000:F1} alerts={alertBuckets[^1].Count} " +
            $"alert_p50_ms={alertQuantiles[0.5] * 1000:F1} alert_p99_ms={alertQuantiles[0.99] * 1000:F1} alert_p999_ms={alertQuantiles[0.999] * 1000:F1}"));
        return 0;
    }

    /// <summary>The counts a histogram's buckets gained between two scrapes.</summary>
    private static List<(double UpperBound, double Count)> Window(List<(double UpperBound, double Count)> before, List<(double UpperBound, double Count)> after) =>
        [.. after.Select(b => (b.UpperBound, b.Count - before.Single(x => x.UpperBound == b.UpperBound).Count))];

    /// <summary>The cumulative buckets of a latency histogram, in bound order (+Inf last).</summary>
    private static async Task<List<(double UpperBound, double Count)>> ScrapeAsync(HttpClient http, string histogram, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        var buckets = new List<(double, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(histogram + "{", StringComparison.Ordinal)) continue;
            var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"')];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            buckets.Add((bound, double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)));
        }
        if (buckets.Count == 0) throw new InvalidOperationException($"the monitor's /metrics has no {histogram}");
        return [.. buckets.OrderBy(b => b.Item1)];
    }

    /// <summary>histogram_quantile: the bucket holding rank q·n, linearly interpolated; the last finite bound if beyond it.</summary>
    private static double Quantile(IReadOnlyList<(double UpperBound, double Count)> cumulative, double q)
    {
        var total = cumulative[^1].Count;
        if (total <= 0) return double.NaN;
        var rank = q * total;
        double lower = 0, below = 0;
        foreach (var (bound, count) in cumulative)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound)) return lower;
                return lower + (bound - lower) * (count == below ? 0 : (rank - below) / (count - below));
            }
            lower = bound;
            below = count;
        }
        return lower;
    }

    private static string Format(double seconds) => double.IsNaN(seconds) ? "–" : $"{seconds * 1000:N1} ms";
}
