using System.Text.Json;
using System.Text.Json.Nodes;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests;

/// <summary>
/// The provisioned Grafana dashboards against a real Prometheus: the monitor runs on the embedded stack while the
/// simulator produces, Debian's prometheus scrapes it every second, and every target of every panel of every
/// dashboard, with its template variables set to "all", must parse and return at least one series.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DashboardPrometheusTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_panel_of_every_dashboard_returns_data_from_a_prometheus_scraping_the_monitor()
    {
        var queries = Directory.GetFiles(Path.Combine(ReferenceData.RepositoryRoot(), "grafana", "dashboards"), "*.json").Order()
            .SelectMany(file =>
            {
                var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
                var variables = dashboard["templating"]?["list"]?.AsArray().Select(v => (string)v!["name"]!).ToList() ?? [];
                return dashboard["panels"]!.AsArray().SelectMany(panel => panel!["targets"]!.AsArray().Select(target =>
                    (Panel: $"{(string)dashboard["title"]!} / {(string)panel["title"]!}",
                     Query: variables.Aggregate((string)target!["expr"]!, (q, v) => q.Replace("$" + v, ".*", StringComparison.Ordinal)))));
            }).ToList();
        Assert.Equal(3, queries.Select(q => q.Panel.Split(" / ")[0]).Distinct().Count());

        using var bed = new StreamTestBed(partitions: 8);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 3_000, Seed = 5, Start = DateTimeOffset.UtcNow.AddDays(-365), InvalidShare = 0.005, DuplicateShare = 0.01, LateShare = 0.01,
        }).Records().Take(120_000).ToList();
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Models:RefitAfterEvents"] = "30000",
            ["Stream:Models:CheckInterval"] = "00:00:01",
            ["Stream:Structure:Interval"] = "00:00:02",
        });
        await monitor.StartAsync();
        using var prometheus = new PrometheusServer(new Uri(StreamTestBed.Address(monitor)).Authority);
        using var http = new HttpClient { BaseAddress = prometheus.Address };
        await bed.ProducePacedAsync(records, 20_000);

        var empty = queries;
        await Eventually.Until(async () =>
        {
            var still = new List<(string Panel, string Query)>();
            foreach (var q in empty)
            {
                if (await Series(http, q.Query) == 0) still.Add(q);
            }
            empty = still;
            return empty.Count == 0;
        }, TimeSpan.FromSeconds(120), "every panel to return data",
            () => Task.FromResult(string.Join("\n", empty.Select(q => $"{q.Panel}: {q.Query}")) + "\n" + string.Join("\n", prometheus.Log.TakeLast(20))));
        output.WriteLine($"{queries.Count} targets of {queries.Select(q => q.Panel).Distinct().Count()} panels in 3 dashboards returned data");
    }

    /// <summary>How many series an instant query returns; a query Prometheus cannot parse fails the test at once.</summary>
    private static async Task<int> Series(HttpClient http, string query)
    {
        using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if ((string?)body["errorType"] == "bad_data") throw new Xunit.Sdk.XunitException($"Prometheus cannot parse {query}: {(string?)body["error"]}");
        return (string?)body["status"] == "success" ? body["data"]!["result"]!.AsArray().Count : 0;
    }
}
