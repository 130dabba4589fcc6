using System.Text.RegularExpressions;
using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests;

/// <summary>
/// After a large simulation, every series on <c>/metrics</c> has only allowed labels with bounded values: no
/// customer id, e-mail or free text reaches Prometheus, and no metric grows a series per customer.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class MetricLabelSafetyTests(ITestOutputHelper output)
{
    /// <summary>Most series one metric may have here (histogram buckets count; 16 partitions × 3 topics is the widest label set).</summary>
    private const int MaxSeriesPerMetric = 300;

    /// <summary>Every label the monitor may export, and what its values may look like.</summary>
    private static readonly Dictionary<string, Regex> Allowed = new(StringComparer.Ordinal)
    {
        ["topic"] = new("^customer\\.(interactions|transactions|profiles)$"),
        ["partition"] = new("^[0-9]{1,4}$"),
        ["type"] = new("^[a-z_]{3,20}$"),
        ["reason"] = new("^[a-z-]{3,30}$"),
        ["stage"] = new("^(redis|pipeline)$"),
        ["trigger"] = new("^(event|timer)$"),
        ["kind"] = new("^(stage|segment|tier|churn_risk)$"),
        ["current"] = new("^[a-z_]{3,20}$"),
        ["outcome"] = new("^(applied|rejected)$"),
        // Alert rules: ids are checked by the rule file (bounded by it), severities and tiers are enumerations.
        ["rule"] = new("^[a-z0-9][a-z0-9_-]{0,63}$"),
        ["severity"] = new("^(info|warning|critical)$"),
        ["tier"] = new("^(premium|growth|potential|marginal|none)$"),
        ["event"] = new("^(fired|resolved)$"),
        ["le"] = new("^([0-9.e+-]+|\\+Inf)$"),
        // prometheus-net's runtime metrics.
        ["generation"] = new("^[0-9]$"),
    };

    [Fact]
    public async Task After_100k_simulated_events_every_series_has_allowed_bounded_labels_and_no_customer_data()
    {
        using var bed = new StreamTestBed(partitions: 16);
        var (records, ends) = bed.ProduceSimulation(new SimulationOptions
        {
            Customers = 3_000, Seed = 33, Start = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), InvalidShare = 0.01,
        }, 100_000);
        await using var monitor = bed.CreateMonitor();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(180), "the simulation to be committed");

        var text = await Scrape(monitor);
        var series = SeriesLine().Matches(text).Select(m => (Name: m.Groups["name"].Value, Labels: Labels(m.Groups["labels"].Value))).ToList();
        var customerIds = records.Select(r => r.Key).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"{series.Count} series of {series.Select(s => s.Name).Distinct().Count()} metrics after {records.Count:N0} records of {customerIds.Count:N0} customers");

        Assert.Contains(series, s => s.Name == "stream_events_consumed_total" && s.Labels.ContainsKey("type"));
        Assert.Contains(series, s => s.Name == "stream_consumer_lag" && s.Labels.ContainsKey("partition"));
        Assert.Contains(series, s => s.Name == "stream_events_invalid_total" && s.Labels["reason"] != "");
        var problems = new List<string>();
        foreach (var (name, labels) in series.Where(s => s.Name.StartsWith("stream_", StringComparison.Ordinal) || s.Labels.Count > 0))
        {
            foreach (var (label, value) in labels)
            {
                if (!Allowed.TryGetValue(label, out var pattern)) problems.Add($"{name}: label '{label}' is not allowed");
                else if (!pattern.IsMatch(value)) problems.Add($"{name}: {label}=\"{value}\" is not a value it may have");
                if (customerIds.Contains(value) || value.Contains('@', StringComparison.Ordinal)) problems.Add($"{name}: {label} carries customer data");
            }
        }
        foreach (var group in series.GroupBy(s => s.Name).Where(g => g.Count() > MaxSeriesPerMetric))
            problems.Add($"{group.Key}: {group.Count()} series, over the cap of {MaxSeriesPerMetric}");
        Assert.Empty(problems.Distinct());
        await monitor.StopAsync();
    }

    /// <summary>What a Prometheus scrape of <c>/metrics</c> gets.</summary>
    private static async Task<string> Scrape(WebApplication monitor)
    {
        using var http = new HttpClient { BaseAddress = new Uri(MonitorApp.Address(monitor)) };
        return await http.GetStringAsync("/metrics");
    }

    private static Dictionary<string, string> Labels(string text) =>
        LabelPair().Matches(text).ToDictionary(m => m.Groups["label"].Value, m => m.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal), StringComparer.Ordinal);

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>.*)\\})? [^ ]+$", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();

    [GeneratedRegex("(?<label>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
