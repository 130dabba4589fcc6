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
        var file = new Argument<FileInfo>("file") { Description = "CSV of purchases (as for replay)" };
        var format = new Option<CsvFormat>("--format") { Description = "cdnow or generic", DefaultValueFactory = _ => CsvFormat.Cdnow };
        var end = new Option<string>("--observation-end") { Description = "Last day of data (yyyy-MM-dd)", Required = true };
        var calibration = new Option<string?>("--calibration-end") { Description = "Fit up to this day and check the rest as a holdout" };
        var command = new Command("fit", "Fit the churn (BG/NBD) and spend (Gamma-Gamma) models to a purchases CSV") { file, format, end, calibration };
        command.SetAction(parse =>
        {
            using var reader = parse.GetValue(file)!.OpenText();
            var purchases = CsvReplay.Read(reader, parse.GetValue(format), "fit", "USD")
                .Select(e => (e.CustomerId, DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Amount!.Value)).ToList();
            var observationEnd = Day(parse.GetValue(end)!);
            var fitEnd = parse.GetValue(calibration) is { } c ? Day(c) : observationEnd;

            var summaries = PurchaseHistory.Summarise(purchases, fitEnd);
            var bg = ModelFitter.FitBgNbd(summaries.Values);
            var gg = ModelFitter.FitGammaGamma(summaries.Values);
            var table = new Table().AddColumns("model", "parameters", "log-likelihood", "customers");
            table.AddRow("BG/NBD (days)", $"r={bg.Parameters.R:G6} α={bg.Parameters.Alpha:G6} a={bg.Parameters.A:G6} b={bg.Parameters.B:G6}",
                bg.LogLikelihood.ToString("F4", CultureInfo.InvariantCulture), $"{bg.Customers:N0}");
            table.AddRow("Gamma-Gamma", $"p={gg.Parameters.P:G6} q={gg.Parameters.Q:G6} v={gg.Parameters.V:G6}",
                gg.LogLikelihood.ToString("F4", CultureInfo.InvariantCulture), $"{gg.Customers:N0}");
            AnsiConsole.Write(table);

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

    private static DateOnly Day(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
