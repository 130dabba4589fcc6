using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Prometheus;
using Stream.Core.Alerts;
using Stream.Core.Events;
using Stream.Monitor.Tests.Support;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>
/// The golden alert scenario (Golden/): a small timeline covering every rule kind, pending → firing → resolved,
/// hysteresis, keep-firing-for, cooldowns, a silence, an inhibition, scopes, and late and out-of-order events,
/// produced step by step through Kafka while the monitor consumes, with a real Redis. The alerts published must be
/// exactly the hand-worked expected ones, and the same again when the scenario is replayed from scratch with one
/// record per batch.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoldenScenarioTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Day0 = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly string Folder = Path.Combine(ReferenceData.RepositoryRoot(), "tests", "Stream.Monitor.Tests", "Alerts", "Golden");

    [Fact]
    public async Task The_scenario_gives_exactly_the_expected_alerts_with_the_same_ids_whatever_the_batching()
    {
        // Compared as sets of lines: each line carries its times, and alerts of one flush may be published in any order.
        var expected = Expected().Order().ToList();
        var first = await Run(new Dictionary<string, string?>());
        Assert.Equal(expected, first.Order().ToList());
        var second = await Run(new Dictionary<string, string?> { ["Stream:Ingest:MaxBatchRecords"] = "1" });
        Assert.Equal(expected, second.Order().ToList());
    }

    /// <summary>
    /// The monitor is SIGKILLed after steps that leave timers armed (an absence, a silence's end, an unpaid invoice, a
    /// pending threshold, a count leaving its window) and started again: each expected alert is published once.
    /// </summary>
    [Fact]
    public async Task Killed_and_restarted_between_steps_the_monitor_fires_every_armed_timer_once()
    {
        using var bed = new StreamTestBed(partitions: 1);
        var settings = bed.Settings();
        foreach (var (key, value) in Settings(new Dictionary<string, string?>())) settings[key] = value;
        var monitor = new MonitorProcess(settings);
        try
        {
            await ProduceSteps(bed, TimeSpan.FromSeconds(60), step =>
            {
                if (step is not (3 or 11 or 30)) return;
                monitor.Crash();
                monitor.Dispose();
                monitor = new MonitorProcess(settings);
            });
        }
        finally
        {
            monitor.Dispose();
        }

        Assert.Equal(Expected().Order().ToList(), DistinctAlerts(bed).Select(Line).Order().ToList());
    }

    private static Dictionary<string, string?> Settings(Dictionary<string, string?> settings)
    {
        settings["Stream:Alerts:RulesFile"] = Path.Combine(Folder, "rules.yaml");
        settings["Stream:Models:Enabled"] = "false";
        settings["Stream:Analytics:DormantDays"] = "20";
        // Between steps, event time stands still: no idle partition moves with the wall clock.
        settings["Stream:Ingest:IdleAfter"] = "01:00:00";
        return settings;
    }

    private async Task<List<string>> Run(Dictionary<string, string?> settings)
    {
        using var bed = new StreamTestBed(partitions: 1);
        await using var monitor = bed.CreateMonitor(extra: Settings(settings));
        await monitor.StartAsync();
        await ProduceSteps(bed, TimeSpan.FromSeconds(30), afterStep: null);

        var distinct = DistinctAlerts(bed);
        foreach (var a in distinct)
        {
            var result = AlertSchemaTests.Schema.Evaluate(JsonDocument.Parse(a.ToJsonString()).RootElement, new EvaluationOptions { RequireFormatValidation = true });
            Assert.True(result.IsValid, a.ToJsonString());
        }
        var lines = distinct.Select(Line).ToList();
        output.WriteLine(string.Join("\n", lines));

        // The API lists the alerts still open, and each customer's episodes.
        using var http = new HttpClient { BaseAddress = new Uri(StreamTestBed.Address(monitor)) };
        http.DefaultRequestHeaders.Add("X-Api-Key", StreamTestBed.ApiKey);
        var open = await http.GetFromJsonAsync<JsonObject>("/api/alerts?state=firing");
        var openIds = open!["alerts"]!.AsArray().Select(a => (string)a!["alertId"]!).Order().ToList();
        var firedNotResolved = distinct.GroupBy(a => (string)a["alertId"]!).Where(g => g.All(a => (string)a["event"]! == "fired")).Select(g => g.Key).Order().ToList();
        Assert.Equal(firedNotResolved, openIds);
        var complaints = await http.GetFromJsonAsync<JsonObject>("/api/alerts?rule=complaints&severity=critical");
        Assert.Equal(1, (int)complaints!["total"]!);
        var cmp = await http.GetFromJsonAsync<JsonObject>("/api/customers/cmp/alerts");
        Assert.Contains(cmp!["alerts"]!.AsArray(), a => (string)a!["rule"]! == "complaints" && (string)a["state"]! == "firing");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync("/api/alerts?state=sleeping")).StatusCode);

        var registry = monitor.Services.GetRequiredService<CollectorRegistry>();
        // The open-alerts gauge counts the same alerts, by rule.
        var openByRule = distinct.Where(a => firedNotResolved.Contains((string)a["alertId"]!)).GroupBy(a => (string)a["rule"]!["id"]!)
            .ToDictionary(g => g.Key, g => (double)g.Count());
        var exposition = await MetricsText.Scrape(registry);
        Assert.NotEmpty(openByRule);
        foreach (var rule in distinct.Select(a => (string)a["rule"]!["id"]!).Distinct())
            Assert.Equal(openByRule.GetValueOrDefault(rule), MetricsText.Sum(exposition, "stream_alerts_open", $"rule=\"{rule}\""));
        await Eventually.Until(async () => MetricsText.Sum(await MetricsText.Scrape(registry), "stream_alerts_total", "rule=\"complaints\"") == 3,
            TimeSpan.FromSeconds(10), "the complaint alerts to be counted");
        await monitor.StopAsync();
        return lines;
    }

    /// <summary>An alert as a golden-file line: customer, rule, event, start and time (day and time of the scenario).</summary>
    private static string Line(JsonObject a)
    {
        var customer = (string)a["customerId"]!;
        var rule = (string)a["rule"]!["id"]!;
        var started = DateTimeOffset.Parse((string)a["startedAt"]!, CultureInfo.InvariantCulture);
        Assert.Equal(AlertLifecycle.AlertId(customer, rule, started.ToUnixTimeMilliseconds()), (string)a["alertId"]!);
        return $"{customer} {rule} {(string)a["event"]!} {Scenario(started)} {Scenario(DateTimeOffset.Parse((string)a["at"]!, CultureInfo.InvariantCulture))}";
    }

    private static string Scenario(DateTimeOffset at) =>
        $"{(int)(at - Day0).TotalDays} {at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>expected-alerts.txt as lines like <see cref="Line"/>'s.</summary>
    private static List<string> Expected() => Rows("expected-alerts.txt").Select(f => $"{f[0]} {f[1]} {f[2]} {f[3]} {f[4]} {f[5]} {f[6]}").ToList();

    private static IEnumerable<string[]> Rows(string file) => File.ReadAllLines(Path.Combine(Folder, file))
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>scenario.txt: each step's events, in file order.</summary>
    private static IEnumerable<(int Step, List<CustomerEvent> Events)> Steps()
    {
        var steps = new SortedDictionary<int, List<CustomerEvent>>();
        var n = 0;
        foreach (var f in Rows("scenario.txt"))
        {
            var step = int.Parse(f[0], CultureInfo.InvariantCulture);
            if (!steps.TryGetValue(step, out var events)) steps[step] = events = [];
            if (f.Length == 1) continue;
            var at = Day0.AddDays(int.Parse(f[1], CultureInfo.InvariantCulture)).Add(TimeSpan.Parse(f[2], CultureInfo.InvariantCulture));
            var fields = f.Skip(5).Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
            events.Add(Event(f[3], f[4], at, fields, ++n));
        }
        return steps.Select(s => (s.Key, s.Value));
    }

    /// <summary>The clock customer's events at 12:00 of a step's day, one per input topic.</summary>
    private static IEnumerable<CustomerEvent> Clock(int step)
    {
        var at = Day0.AddDays(step).AddHours(12);
        var none = new Dictionary<string, string>();
        yield return Event("clock", "page_view", at, none, step * 3);
        yield return Event("clock", "purchase", at, new Dictionary<string, string> { ["amount"] = "1" }, step * 3 + 1);
        yield return Event("clock", "profile_updated", at, none, step * 3 + 2);
    }

    private static CustomerEvent Event(string customer, string type, DateTimeOffset at, Dictionary<string, string> f, int n)
    {
        Assert.True(EventTypes.TryParse(type, out var t), type);
        var e = new CustomerEvent { EventId = $"{customer}-{n}", CustomerId = customer, OccurredAt = at, Type = t };
        decimal? amount = f.TryGetValue("amount", out var a) ? decimal.Parse(a, CultureInfo.InvariantCulture) : null;
        return t switch
        {
            EventType.Complaint => e with { Channel = "phone", ComplaintCategory = ComplaintCategory.Service, Resolved = false },
            EventType.SurveyResponse => e with { Channel = "email", Nps = int.Parse(f["nps"], CultureInfo.InvariantCulture) },
            EventType.Purchase => e with { Amount = amount, Currency = "USD", OrderId = $"o-{n}" },
            EventType.PaymentDue => e with
            {
                Amount = amount, Currency = "USD", InvoiceId = f["invoice"], DueDate = DateOnly.FromDateTime(Day0.AddDays(int.Parse(f["due"], CultureInfo.InvariantCulture)).UtcDateTime),
            },
            EventType.PaymentReceived => e with { Amount = amount, Currency = "USD", InvoiceId = f["invoice"] },
            EventType.ProfileUpdated => e with { CustomerType = CustomerType.Individual, Region = f.GetValueOrDefault("region") },
            _ => e with { Channel = "web" },
        };
    }

    /// <summary>Produces the scenario step by step, each with the clock's events, waiting for each to be committed.</summary>
    private static async Task ProduceSteps(StreamTestBed bed, TimeSpan stepTimeout, Action<int>? afterStep)
    {
        using var producer = bed.CreateProducer();
        foreach (var (step, events) in Steps())
        {
            foreach (var e in events.Concat(Clock(step))) producer.Enqueue(e);
            producer.Flush(TimeSpan.FromSeconds(30));
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), stepTimeout, $"step {step} to be committed");
            afterStep?.Invoke(step);
        }
    }

    /// <summary>The alerts on the topic, each once; at least once, a record may repeat, but only whole and identical.</summary>
    private static List<JsonObject> DistinctAlerts(StreamTestBed bed)
    {
        var distinct = bed.ReadAll(bed.Topics.Alerts).Select(r => r.Value).Distinct().Select(j => JsonNode.Parse(j)!.AsObject()).ToList();
        Assert.Equal(distinct.Count, distinct.Select(a => ((string)a["alertId"]!, (string)a["event"]!)).Distinct().Count());
        return distinct;
    }
}
