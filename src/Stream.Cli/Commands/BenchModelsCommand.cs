using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Stream.Core.Models;

namespace Stream.Cli.Commands;

/// <summary><c>stream bench models</c>: fit time on a seeded BG/NBD population, and P(alive) evaluations per second on one core.</summary>
internal static class BenchModelsCommand
{
    public static Command Create()
    {
        var customers = new Option<int>("--customers") { Description = "Customers drawn from the BG/NBD process", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("models", "Model fit time and evaluation rate") { customers };
        command.SetAction(parse =>
        {
            var truth = new BgNbdParameters(0.27, 42, 0.48, 2.1);
            var clock = Stopwatch.StartNew();
            var population = BgNbdPopulation.Draw(truth, parse.GetValue(customers), 545, seed: 7);
            var drawn = clock.Elapsed;
            clock.Restart();
            var fit = ModelFitter.FitBgNbd(population);
            var fitTime = clock.Elapsed;

            clock.Restart();
            double sink = 0;
            var evaluations = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                foreach (var c in population.Take(100_000)) sink += BgNbd.ProbabilityAlive(fit.Parameters, c);
                evaluations += Math.Min(100_000, population.Count);
            }
            var perSecond = evaluations / clock.Elapsed.TotalSeconds;

            var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("customers", $"{population.Count:N0} (drawn in {drawn.TotalSeconds:F1} s)");
            table.AddRow("distinct histories", $"{population.Select(c => (c.Frequency, c.Recency, c.Age)).Distinct().Count():N0}");
            table.AddRow("BG/NBD fit time", $"{fitTime.TotalSeconds:F2} s ({fit.Iterations} iterations)");
            table.AddRow("fitted (truth r=0.27 α=42 a=0.48 b=2.1)", $"r={fit.Parameters.R:F4} α={fit.Parameters.Alpha:F2} a={fit.Parameters.A:F4} b={fit.Parameters.B:F4}");
            table.AddRow("P(alive) evaluations per second, one core", $"{perSecond:N0}");
            AnsiConsole.Write(table);
            Console.WriteLine($"bench-models customers={population.Count} fit_seconds={fitTime.TotalSeconds:F2} p_alive_per_second={perSecond:F0} checksum={sink:F3}");
            return 0;
        });
        return command;
    }
}
