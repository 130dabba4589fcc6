using Spectre.Console;
using Stream.Producer.Replay;

namespace Stream.Cli.Commands;

/// <summary>Tells which CSV rows were skipped and why, then how many, on standard error.</summary>
internal static class CsvReport
{
    /// <summary>Lines listed one by one; beyond this only the count, so a wholly wrong file does not flood the terminal.</summary>
    private const int Listed = 50;

    public static void WriteSkipped(IReadOnlyCollection<CsvRowError> errors)
    {
        if (errors.Count == 0) return;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        foreach (var e in errors.Take(Listed)) console.MarkupLineInterpolated($"[yellow]skipped {e}[/]");
        if (errors.Count > Listed) console.MarkupLineInterpolated($"[yellow]… and {errors.Count - Listed} more[/]");
        console.MarkupLineInterpolated($"[yellow]{errors.Count} rows skipped[/]");
    }
}
