using System.CommandLine;
using Confluent.Kafka;
using Spectre.Console;
using Stream.Producer;
using Stream.Producer.Replay;

namespace Stream.Cli.Commands;

/// <summary><c>stream replay FILE</c>: stream a CSV of purchases through the SDK into Kafka, with stable event ids.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV of purchases" };
        var bootstrap = CommonOptions.Bootstrap();
        var format = new Option<CsvFormat>("--format")
        {
            Description = "cdnow: customer_id,date,quantity,amount; generic: customer_id,timestamp,amount[,quantity]",
            DefaultValueFactory = _ => CsvFormat.Cdnow,
        };
        var prefix = new Option<string?>("--id-prefix") { Description = "Event ids are PREFIX-LINE (default: the file name)" };
        var command = new Command("replay", "Replay a CSV of purchases into Kafka") { file, bootstrap, format, prefix };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var idPrefix = parse.GetValue(prefix) ?? Path.GetFileNameWithoutExtension(path.Name);
            var total = File.ReadLines(path.FullName).LongCount() - 1;
            using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = CommonOptions.RequireBootstrap(parse, bootstrap) });
            Error? failure = null;
            long sent = 0;
            var errors = new List<CsvRowError>();
            AnsiConsole.Progress().Start(progress =>
            {
                var task = progress.AddTask($"replaying {path.Name}", maxValue: total);
                using var reader = path.OpenText();
                foreach (var ev in CsvReplay.Read(reader, parse.GetValue(format), idPrefix, producer.Options.Limits.Currency, errors))
                {
                    if (ct.IsCancellationRequested || failure is not null) break;
                    producer.Enqueue(ev, e => failure ??= e);
                    if (++sent % 1000 == 0) task.Value = sent;
                }
                producer.Flush(TimeSpan.FromMinutes(1));
                task.Value = sent;
            });
            if (failure is not null) throw new KafkaException(failure);
            CsvReport.WriteSkipped(errors);
            AnsiConsole.MarkupLine($"[green]replayed {sent:N0} purchases[/]");
            return Task.FromResult(errors.Count == 0 ? 0 : 2);
        });
        return command;
    }
}
