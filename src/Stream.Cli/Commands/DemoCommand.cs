using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Stream.Core.Text;
using Stream.Monitor.Alerts;
using Stream.Monitor;
using Stream.Monitor.Ingest;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream demo</c>: everything in one process with nothing installed: the embedded Kafka mock cluster,
/// an embedded Redis-protocol store (or a given Redis), the monitor, and the simulator feeding it.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var customers = CommonOptions.Customers(5_000);
        var seed = CommonOptions.Seed();
        var partitions = CommonOptions.Partitions(6);
        var rate = new Option<int>("--rate") { Description = "Events per second the simulator sends", DefaultValueFactory = _ => 2_000 };
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds (default: run until Ctrl+C)" };
        var redis = new Option<string?>("--redis") { Description = "Use this Redis (e.g. localhost:6379) instead of the embedded store" };
        var port = new Option<int>("--port") { Description = "HTTP port of the monitor (metrics, health, API)", DefaultValueFactory = _ => 5080 };

        var command = new Command("demo", "Run the monitor on embedded Kafka and store, fed by the simulator")
        {
            customers, seed, partitions, rate, seconds, redis, port,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var stack = new EmbeddedStack(parse.GetValue(partitions), parse.GetValue(redis), preferRedisServer: false);
            var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var url = $"http://127.0.0.1:{parse.GetValue(port)}";
            await using var monitor = MonitorApp.Create(stack.MonitorSettings(apiKey), url, l => l.SetMinimumLevel(LogLevel.Warning));
            await monitor.StartAsync(ct);

            PrintBanner(stack, url, apiKey);
            using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = stack.Kafka.BootstrapServers });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(seconds) is { } s) stop.CancelAfter(TimeSpan.FromSeconds(s));

            var options = new SimulationOptions
            {
                Customers = parse.GetValue(customers),
                Seed = parse.GetValue(seed),
                Start = DateTimeOffset.UtcNow.AddDays(-365),
                InvalidShare = 0.002,
                DuplicateShare = 0.005,
            };
            var sent = 0L;
            var feeding = Task.Run(async () =>
            {
                var limiter = new RateLimiter(parse.GetValue(rate));
                foreach (var record in new CustomerSimulator(options).Records())
                {
                    if (stop.IsCancellationRequested) break;
                    await limiter.WaitTurnAsync(stop.Token);
                    SimulationSender.Send(producer, record);
                    Interlocked.Increment(ref sent);
                }
            }, stop.Token);

            await ShowLiveCounts(monitor.Services.GetRequiredService<IngestStatus>(), monitor.Services.GetRequiredService<RecentAlerts>(),
                () => Interlocked.Read(ref sent), stop.Token);
            try
            {
                await feeding;
            }
            catch (OperationCanceledException)
            {
                // Stopping is the normal way out.
            }
            await monitor.StopAsync(CancellationToken.None);
            AnsiConsole.MarkupLine("[grey]stopped[/]");
            return 0;
        });
        return command;
    }

    private static void PrintBanner(EmbeddedStack stack, string url, string apiKey)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Kafka (mock cluster)", stack.Kafka.BootstrapServers);
        grid.AddRow("Store", stack.StoreName);
        grid.AddRow("Metrics", $"{url}/metrics");
        grid.AddRow("Health", $"{url}/health/ready");
        grid.AddRow("API status", $"curl -H 'X-Api-Key: {apiKey}' {url}/api/status");
        grid.AddRow("A customer", $"curl -H 'X-Api-Key: {apiKey}' {url}/api/customers/c-0000001");
        grid.AddRow("Open alerts", $"curl -H 'X-Api-Key: {apiKey}' '{url}/api/alerts?state=firing&tier=premium'");
        AnsiConsole.Write(new Panel(grid).Header("Stream demo (Ctrl+C to stop)"));
    }

    /// <summary>Every 2 s a line of counts; every 10 s the alerts per rule and the latest fired.</summary>
    private static async Task ShowLiveCounts(IngestStatus status, RecentAlerts alerts, Func<long> sent, CancellationToken ct)
    {
        var ticks = 0;
        var clock = Stopwatch.StartNew();
        long lastCommitted = 0;
        var lastAt = TimeSpan.Zero;
        string Line()
        {
            var now = clock.Elapsed;
            var committed = status.EventsCommitted;
            var rate = (committed - lastCommitted) / Math.Max(0.001, (now - lastAt).TotalSeconds);
            lastCommitted = committed;
            lastAt = now;
            return $"{now:hh\\:mm\\:ss}  sent {sent(),10:N0}  applied {committed,10:N0}  dead-lettered {status.Rejected,6:N0}  "
                + $"{rate,8:N0} events/s  partitions {status.OwnedPartitions}/{status.PartitionCount}";
        }

        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Console.WriteLine(Line());
            if (++ticks % 5 == 0) ShowAlerts(alerts);
        }
    }

    private static void ShowAlerts(RecentAlerts alerts)
    {
        var byRule = alerts.ByRule();
        if (byRule.Count == 0) return;
        var table = new Table().Border(TableBorder.Simple).AddColumn("rule").AddColumn(new TableColumn("fired").RightAligned()).AddColumn(new TableColumn("resolved").RightAligned());
        foreach (var (rule, fired, resolved) in byRule) table.AddRow(rule, $"{fired:N0}", $"{resolved:N0}");
        var latest = new Table().Border(TableBorder.Simple).AddColumn("latest alerts fired").AddColumn("rule").AddColumn("severity").AddColumn("tier").AddColumn("event time");
        foreach (var a in alerts.Latest()) latest.AddRow(a.AlertId, a.Rule, a.Severity.SnakeName(), a.Tier ?? "-", a.At.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(new Columns(table, latest));
    }
}
