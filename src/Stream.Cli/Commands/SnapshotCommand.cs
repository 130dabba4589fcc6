using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using StackExchange.Redis;
using Stream.Core.Analytics;
using Stream.Monitor.Snapshots;
using Stream.Monitor.Storage;
using Stream.Core.Text;

namespace Stream.Cli.Commands;

/// <summary><c>stream snapshot</c>: every customer's RFM values, scores and segment from the live state, as CSV.</summary>
internal static class SnapshotCommand
{
    public static Command Create()
    {
        var asOf = new Option<string>("--as-of") { Description = "Day the snapshot is taken on (yyyy-MM-dd)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV file to write", Required = true };
        var redis = new Option<string>("--redis")
        {
            Description = "Redis holding the monitor's state; default from STREAM_REDIS",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("STREAM_REDIS") ?? "localhost:6379",
        };
        var window = new Option<int?>("--rfm-window") { Description = "RFM window in days (1–365); default all time" };
        var prefix = new Option<string>("--key-prefix") { Description = "The monitor's Stream:Redis:KeyPrefix", DefaultValueFactory = _ => "stream" };
        var command = new Command("snapshot", "Write every customer's RFM metrics, scores, segment, value tier and lifecycle stage as CSV") { asOf, output, redis, prefix, window };
        command.SetAction(async (parse, ct) =>
        {
            var day = DateOnly.ParseExact(parse.GetValue(asOf)!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(parse.GetValue(redis)!);
            var store = new CustomerStateStore(connection, new RedisKeys(parse.GetValue(prefix)!));
            var partitions = await store.GetPartitionCountAsync()
                ?? throw new InvalidOperationException("no monitor state found under that key prefix (no partition count stored)");
            var snapshot = await CustomerSnapshot.BuildAsync(store, partitions, day, new AnalyticsOptions(), parse.GetValue(window));
            await using (var writer = new StreamWriter(parse.GetValue(output)!.FullName))
                await CustomerSnapshot.WriteCsvAsync(writer, snapshot);
            var table = new Table().AddColumns("tier", "customers", "share of customers", "contribution", "share of value",
                "share of expected 12-month value", "at churn risk", "value at risk");
            foreach (var t in snapshot.Tiers)
                table.AddRow(t.Tier.LowerName(), $"{t.Customers:N0}", $"{t.CustomerShare:P1}", $"{Stream.Core.Events.Money.FromUnits(t.ValueUnits):N2}",
                    $"{t.ValueShare:P1}", $"{t.ExpectedValueShare:P1}", $"{t.AtRisk:N0}", $"{Stream.Core.Events.Money.FromUnits(t.ValueAtRiskUnits):N2}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"[green]{snapshot.Rows.Count:N0} customers written to {parse.GetValue(output)!.Name}[/]");
            return 0;
        });
        return command;
    }
}
