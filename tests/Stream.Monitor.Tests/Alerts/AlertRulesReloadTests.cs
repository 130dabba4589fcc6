using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;
using Stream.Monitor.Alerts;
using Stream.Monitor.Configuration;
using Stream.Monitor.Tests.Support;

namespace Stream.Monitor.Tests.Alerts;

[Trait("Category", "Unit")]
public sealed class AlertRulesReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stream-rules-").FullName;
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();

    private string RulesPath => Path.Combine(_dir, "rules.yaml");

    private static string Shipped => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "alerts", "rules.yaml"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_changed_file_replaces_the_rules_and_a_bad_change_keeps_them_and_says_why()
    {
        File.WriteAllText(RulesPath, Shipped);
        using var rules = new AlertRules(Options.Create(new AlertOptions { RulesFile = RulesPath }), _registry, TimeProvider.System, NullLogger<AlertRules>.Instance);
        await rules.StartAsync(CancellationToken.None);
        var shipped = rules.Current;
        Assert.Contains(shipped.Rules, r => r.Id == "gone-quiet");

        // The file watch picks up a valid change.
        File.WriteAllText(RulesPath, Shipped.Replace("after: 45d", "after: 60d", StringComparison.Ordinal));
        await Eventually.Until(() => Task.FromResult(rules.Current != shipped), TimeSpan.FromSeconds(10), "the changed rules");
        Assert.Equal(TimeSpan.FromDays(60), rules.Current.Rules.Single(r => r.Id == "gone-quiet").After);
        var changed = rules.Current;

        // A bad change is rejected whole: the rules in force stay, and the rejection names the problem.
        File.WriteAllText(RulesPath, Shipped.Replace("metric: spend_ratio", "metric: spend", StringComparison.Ordinal));
        await Eventually.Until(() => Task.FromResult(Rejected() == 1), TimeSpan.FromSeconds(10), "the rejection");
        Assert.Same(changed, rules.Current);
        Assert.Contains(rules.LastRejection!, e => e.StartsWith("rule 'spend-drop': metric 'spend'", StringComparison.Ordinal));
        await rules.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_bad_file_stops_the_start_with_every_problem_named()
    {
        File.WriteAllText(RulesPath, Shipped.Replace("- id: spend-drop", "- id: engagement-drop", StringComparison.Ordinal));
        using var rules = new AlertRules(Options.Create(new AlertOptions { RulesFile = RulesPath }), _registry, TimeProvider.System, NullLogger<AlertRules>.Instance);

        var ex = await Assert.ThrowsAsync<RuleFileException>(() => rules.StartAsync(CancellationToken.None));

        Assert.Contains("rule 'engagement-drop': id is used by another rule", ex.Message, StringComparison.Ordinal);
    }

    private double Rejected()
    {
        using var stream = new MemoryStream();
        _registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n')
            .FirstOrDefault(l => l.StartsWith("stream_alert_rule_reloads_total{outcome=\"rejected\"}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
