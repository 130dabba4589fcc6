using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using Spectre.Console;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Cli.Commands;

/// <summary><c>stream simulate</c>: send a seeded, realistic customer population's events through the SDK.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var customers = CommonOptions.Customers(1_000);
        var seed = CommonOptions.Seed();
        var rate = new Option<int>("--rate") { Description = "Events per second (0 = as fast as possible)", DefaultValueFactory = _ => 1_000 };
        var days = new Option<int>("--days") { Description = "Event-time span of the simulated history, ending now", DefaultValueFactory = _ => 365 };
        var limit = new Option<long?>("--limit") { Description = "Stop after this many records" };
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds" };
        var invalid = new Option<double>("--invalid-share") { Description = "Share of deliberately invalid records (dead-letter path)", DefaultValueFactory = _ => 0.0 };
        var duplicates = new Option<double>("--duplicate-share") { Description = "Share of events sent twice with the same eventId", DefaultValueFactory = _ => 0.0 };

        var command = new Command("simulate", "Emit a seeded, realistic customer population's events to Kafka")
        {
            bootstrap, customers, seed, rate, days, limit, seconds, invalid, duplicates,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SimulationOptions
            {
                Customers = parse.GetValue(customers),
                Seed = parse.GetValue(seed),
                Start = DateTimeOffset.UtcNow.AddDays(-parse.GetValue(days)),
                Span = TimeSpan.FromDays(parse.GetValue(days)),
                InvalidShare = parse.GetValue(invalid),
                DuplicateShare = parse.GetValue(duplicates),
            };
            using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = CommonOptions.RequireBootstrap(parse, bootstrap) });
            var max = parse.GetValue(limit) ?? long.MaxValue;
            var stopAt = parse.GetValue(seconds) is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.MaxValue;
            var sent = await Send(producer, options, parse.GetValue(rate), max, stopAt, ct);
            AnsiConsole.MarkupLine($"[green]sent {sent:N0} records[/]");
            return 0;
        });
        return command;
    }

    private static async Task<long> Send(StreamProducer producer, SimulationOptions options, int rate, long max, TimeSpan stopAt, CancellationToken ct)
    {
        long sent = 0;
        Error? failure = null;
        var clock = Stopwatch.StartNew();
        var limiter = new RateLimiter(rate);
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("simulating", maxValue: max == long.MaxValue ? 1 : max);
                task.IsIndeterminate = max == long.MaxValue;
                foreach (var record in new CustomerSimulator(options).Records())
                {
                    if (ct.IsCancellationRequested || sent >= max || clock.Elapsed > stopAt || failure is not null) break;
                    await limiter.WaitTurnAsync(ct);
                    SimulationSender.Send(producer, record, e => failure ??= e);
                    sent++;
                    if (sent % 1000 == 0)
                    {
                        task.Value = sent;
                        task.Description = $"{sent:N0} records, {sent / clock.Elapsed.TotalSeconds:N0}/s";
                    }
                }
                task.Value = task.MaxValue;
            });
        producer.Flush(TimeSpan.FromSeconds(30));
        if (failure is not null) throw new KafkaException(failure);
        return sent;
    }
}
