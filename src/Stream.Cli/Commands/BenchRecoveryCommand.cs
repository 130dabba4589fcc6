using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Spectre.Console;
using StackExchange.Redis;
using Stream.Monitor.Storage;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream bench recovery</c>: a monitor process consuming a live, paced feed is SIGKILLed and started again at
/// once; it prints, per round, the seconds until the new process commits again and until its lag (records produced
/// but not committed) is back to what it was at the kill. <c>--session-timeout-ms 45000</c> shows Kafka's default.
/// </summary>
internal static class BenchRecoveryCommand
{
    public static Command Create()
    {
        var rounds = new Option<int>("--rounds") { Description = "Kills and restarts", DefaultValueFactory = _ => 3 };
        var rate = new Option<int>("--rate") { Description = "Events per second produced throughout", DefaultValueFactory = _ => 5_000 };
        var session = new Option<int?>("--session-timeout-ms") { Description = "The monitor's session.timeout.ms (default: the monitor's own, 6000)" };
        var partitions = CommonOptions.Partitions(16);
        var customers = CommonOptions.Customers(20_000);
        var seed = CommonOptions.Seed();
        var command = new Command("recovery", "Seconds from a SIGKILLed monitor's restart until commits resume and lag is back")
        {
            rounds, rate, session, partitions, customers, seed,
        };
        command.SetAction(async (parse, ct) => await Run(parse.GetValue(rounds), parse.GetValue(rate), parse.GetValue(session),
            parse.GetValue(partitions), parse.GetValue(customers), parse.GetValue(seed), ct));
        return command;
    }

    private static async Task<int> Run(int rounds, int rate, int? sessionMs, int partitions, int customers, int seed, CancellationToken ct)
    {
        using var stack = new EmbeddedStack(partitions, redis: null, preferRedisServer: true);
        AnsiConsole.MarkupLineInterpolated($"[grey]Kafka mock cluster, {partitions} partitions per topic; store: {stack.StoreName}; {rate:N0} events/s[/]");
        var settings = stack.MonitorSettings("bench-api-key-not-used-0000");
        if (sessionMs is { } ms) settings["Stream:Kafka:Settings:session.timeout.ms"] = ms.ToString(CultureInfo.InvariantCulture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Redis);
        var keys = new RedisKeys("stream");
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = stack.Kafka.BootstrapServers, GroupId = "bench-probe" }).Build();

        using var feed = new CancellationTokenSource();
        var producing = Task.Run(() => Produce(stack, customers, seed, rate, feed.Token), CancellationToken.None);
        var monitor = MonitorProcesses.Start(settings);
        var table = new Table().AddColumns("round", "lag at kill", "commits resume (s)", "lag back (s)");
        var resumes = new List<double>();
        var lags = new List<double>();
        try
        {
            // Warm: the first process owns every partition and keeps up.
            await Until(async () => await MonitorProcesses.CommittedAsync(redis, keys, stack.Topics, stack.Partitions) > rate * 5L, TimeSpan.FromSeconds(120), ct);
            for (var round = 1; round <= rounds; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                var lagAtKill = Ends(stack, probe) - await MonitorProcesses.CommittedAsync(redis, keys, stack.Topics, stack.Partitions);
                monitor.Kill(entireProcessTree: true);
                await monitor.WaitForExitAsync(ct);
                monitor.Dispose();
                // Read after the exit: a write the killed process had already sent may still land.
                await Task.Delay(200, ct);
                var atKill = await MonitorProcesses.CommittedAsync(redis, keys, stack.Topics, stack.Partitions);
                var clock = Stopwatch.StartNew();
                monitor = MonitorProcesses.Start(settings);
                await Until(async () => await MonitorProcesses.CommittedAsync(redis, keys, stack.Topics, stack.Partitions) > atKill, TimeSpan.FromSeconds(300), ct);
                var resumed = clock.Elapsed.TotalSeconds;
                await Until(async () => Ends(stack, probe) - await MonitorProcesses.CommittedAsync(redis, keys, stack.Topics, stack.Partitions) <= Math.Max(lagAtKill, rate / 10), TimeSpan.FromSeconds(300), ct);
                var lagBack = clock.Elapsed.TotalSeconds;
                resumes.Add(resumed);
                lags.Add(lagBack);
                table.AddRow(round.ToString(CultureInfo.InvariantCulture), lagAtKill.ToString("N0", CultureInfo.InvariantCulture),
                    resumed.ToString("F1", CultureInfo.InvariantCulture), lagBack.ToString("F1", CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            if (!monitor.HasExited) monitor.Kill(entireProcessTree: true);
            monitor.Dispose();
            await feed.CancelAsync();
            await producing;
        }
        AnsiConsole.Write(table);
        var (resume, lag) = (Median(resumes), Median(lags));
        AnsiConsole.MarkupLineInterpolated($"median: commits resume {resume:F1} s after the restart, lag back after {lag:F1} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-recovery rounds={rounds} rate={rate} session_timeout_ms={sessionMs?.ToString(CultureInfo.InvariantCulture) ?? "default"} resume_s={resume:F1} lag_back_s={lag:F1} resumes={string.Join(',', resumes.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}"));
        return 0;
    }

    private static async Task Produce(EmbeddedStack stack, int customers, int seed, int rate, CancellationToken ct)
    {
        using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = stack.Kafka.BootstrapServers });
        var limiter = new RateLimiter(rate);
        try
        {
            foreach (var record in new CustomerSimulator(new SimulationOptions { Customers = customers, Seed = seed, Start = DateTimeOffset.UtcNow.AddDays(-365) }).Records())
            {
                await limiter.WaitTurnAsync(ct);
                SimulationSender.Send(producer, record);
            }
        }
        catch (OperationCanceledException)
        {
        }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>Records in the input topics (the sum of their end offsets).</summary>
    private static long Ends(EmbeddedStack stack, IConsumer<Ignore, Ignore> probe)
    {
        long total = 0;
        foreach (var topic in stack.Topics.Inputs)
            for (var p = 0; p < stack.Partitions; p++)
                total += probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value;
        return total;
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within {timeout.TotalSeconds:F0} s");
            await Task.Delay(50, ct);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
