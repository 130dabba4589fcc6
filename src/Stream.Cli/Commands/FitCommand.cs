using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stream.Core.Models;
using Stream.Producer.Replay;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream fit</c>: fits BG/NBD and Gamma-Gamma to a purchases CSV and prints the parameters, the
/// log-likelihoods and, given a calibration end, a holdout table of expected vs actual purchases.
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV of purchases (as for replay), or of summaries with --summary" };
        var format = new Option<CsvFormat>("--format") { Description = "cdnow or generic", DefaultValueFactory = _ => CsvFormat.Cdnow };
        var end = new Option<string?>("--observation-end") { Description = "Last day of data (yyyy-MM-dd); required for purchases" };
        var calibration = new Option<string?>("--calibration-end") { Description = "Fit up to this day and check the rest as a holdout" };
        var summary = new Option<bool>("--summary")
        {
            Description = "The file holds one summary per customer (frequency,recency,T[,monetary_value] or x,t_x,T[,zbar]) in its own time unit",
        };
        var command = new Command("fit", "Fit the churn (BG/NBD) and spend (Gamma-Gamma) models to a purchases CSV") { file, format, end, calibration, summary };
        command.SetAction(parse =>
        {
            using var reader = parse.GetValue(file)!.OpenText();
            var errors = new List<CsvRowError>();
            if (parse.GetValue(summary))
            {
                var read = SummaryCsv.Read(reader, errors);
                CsvReport.WriteSkipped(errors);
                WriteFits(read, "the file's unit");
                return 0;
            }
            var purchases = CsvReplay.Read(reader, parse.GetValue(format), "fit", "USD", errors)
                .Select(e => (e.CustomerId, DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Amount!.Value)).ToList();
            CsvReport.WriteSkipped(errors);
            var observationEnd = Day(parse.GetValue(end) ?? throw new InvalidOperationException("--observation-end is required for a purchases file"));
            var fitEnd = parse.GetValue(calibration) is { } c ? Day(c) : observationEnd;

            var summaries = PurchaseHistory.Summarise(purchases, fitEnd);
            var bg = WriteFits(summaries.Values, "days");

            if (fitEnd < observationEnd)
            {
                var holdout = PurchaseHistory.PurchaseDaysBetween(purchases, fitEnd, observationEnd);
                var rows = CalibrationTable.Build(bg.Parameters, summaries, holdout, observationEnd.DayNumber - fitEnd.DayNumber);
                var calibrationTable = new Table().AddColumns("calibration frequency", "customers", "expected holdout purchases", "actual");
                foreach (var r in rows) calibrationTable.AddRow(r.Frequency, $"{r.Customers:N0}", $"{r.Expected:F3}", $"{r.Actual:F3}");
                AnsiConsole.Write(calibrationTable);
            }
            return 0;
        });
        return command;
    }

    private static ModelFit<BgNbdParameters> WriteFits(IReadOnlyCollection<RepeatPurchaseSummary> summaries, string unit)
    {
        var bg = ModelFitter.FitBgNbd(summaries);
        var gg = ModelFitter.FitGammaGamma(summaries);
        var table = new Table().AddColumns("model", "parameters", "log-likelihood", "customers");
        table.AddRow($"BG/NBD ({unit})", $"r={bg.Parameters.R:G6} α={bg.Parameters.Alpha:G6} a={bg.Parameters.A:G6} b={bg.Parameters.B:G6}",
            bg.LogLikelihood.ToString("F4", CultureInfo.InvariantCulture), $"{bg.Customers:N0}");
        table.AddRow("Gamma-Gamma", $"p={gg.Parameters.P:G6} q={gg.Parameters.Q:G6} v={gg.Parameters.V:G6}",
            gg.LogLikelihood.ToString("F4", CultureInfo.InvariantCulture), $"{gg.Customers:N0}");
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fit bgnbd r={bg.Parameters.R:R} alpha={bg.Parameters.Alpha:R} a={bg.Parameters.A:R} b={bg.Parameters.B:R} ll={bg.LogLikelihood:R} " +
            $"gammagamma p={gg.Parameters.P:R} q={gg.Parameters.Q:R} v={gg.Parameters.V:R} customers={bg.Customers} repeat={gg.Customers}"));
        return bg;
    }

    private static DateOnly Day(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
