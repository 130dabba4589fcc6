using System.CommandLine;
using Spectre.Console;
using Stream.Producer;

namespace Stream.Cli.Commands;

/// <summary><c>stream emit</c>: validate one JSON event and send it to the topic its type belongs on.</summary>
internal static class EmitCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var file = new Option<FileInfo?>("--file") { Description = "File holding one JSON event (default: standard input)" };
        var command = new Command("emit", "Send one JSON event from a file or standard input") { bootstrap, file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file);
            byte[] json;
            if (path is not null)
            {
                json = await File.ReadAllBytesAsync(path.FullName, ct);
            }
            else
            {
                using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                await stdin.CopyToAsync(buffer, ct);
                json = buffer.ToArray();
            }
            using var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = CommonOptions.RequireBootstrap(parse, bootstrap) });
            try
            {
                var ev = await producer.SendJsonAsync(json, ct);
                AnsiConsole.MarkupLineInterpolated($"[green]sent[/] {ev.Type} {ev.EventId} to {producer.Options.Topics.For(ev.Kind)}");
                return 0;
            }
            catch (InvalidEventException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]not sent:[/] {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
