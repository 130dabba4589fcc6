using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using Stream.Core.Alerts;
using Stream.Monitor.Configuration;

namespace Stream.Monitor.Alerts;

/// <summary>
/// The alert rules in force. The file is read and validated at start-up, where a bad file stops the monitor with
/// every problem named, and again whenever it changes: a change that validates replaces the rules whole; one that
/// does not leaves the rules in force and says why in the log and in <c>stream_alert_rule_reloads_total{outcome="rejected"}</c>.
/// </summary>
public sealed class AlertRules(IOptions<AlertOptions> options, CollectorRegistry registry, TimeProvider clock, ILogger<AlertRules> logger,
    IOptions<WebhookOptions>? webhooks = null)
    : IHostedService, IDisposable
{
    private readonly IReadOnlyCollection<string> _endpoints = webhooks?.Value.Endpoints.Keys.ToList() ?? [];

    /// <summary>Changes to a file come as several events (truncate, write, rename): reload once they settle.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    private readonly Counter _reloads = Metrics.WithCustomRegistry(registry).CreateCounter("stream_alert_rule_reloads_total",
        "Alert rule file reloads, by outcome: applied, or rejected (the rules in force stay; the log says why).", "outcome");
    private readonly Gauge _rules = Metrics.WithCustomRegistry(registry).CreateGauge("stream_alert_rules", "Alert rules in force.");
    private readonly Gauge _silences = Metrics.WithCustomRegistry(registry).CreateGauge("stream_alert_silences",
        "Silences in the rule file that have not ended (by the wall clock when the metric is scraped).");
    private FileSystemWatcher? _watcher;
    private System.Threading.ITimer? _settle;
    private volatile AlertRuleSet _current = AlertRuleSet.Empty;

    public AlertRuleSet Current => _current;

    /// <summary>The last rejected reload's problems; null once a reload applied (health and tests).</summary>
    public IReadOnlyList<string>? LastRejection { get; private set; }

    public string Path => System.IO.Path.GetFullPath(options.Value.RulesFile);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Both outcomes exist from the start, at zero, so dashboards and rules see them before the first reload.
        _reloads.WithLabels("applied");
        _reloads.WithLabels("rejected");
        // Silences end by time, not by reloads: counted when scraped.
        registry.AddBeforeCollectCallback(() => _silences.Set(_current.Silences.Count(s => s.Until > clock.GetUtcNow())));
        // A bad file at start-up is fatal: the message lists every problem.
        Apply(RuleFile.Parse(File.ReadAllText(Path), _endpoints));
        _settle = clock.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Changed();
        _watcher.Created += (_, _) => Changed();
        _watcher.Renamed += (_, _) => Changed();
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null) _watcher.EnableRaisingEvents = false;
        return Task.CompletedTask;
    }

    /// <summary>Reads the file again now; false (and the rules in force stay) when it does not validate.</summary>
    public bool Reload()
    {
        try
        {
            Apply(RuleFile.Parse(File.ReadAllText(Path), _endpoints));
            LastRejection = null;
            _reloads.WithLabels("applied").Inc();
            logger.LogInformation("Alert rules reloaded: {Rules} rules", _current.Rules.Count);
            return true;
        }
        catch (Exception ex) when (ex is RuleFileException or IOException or UnauthorizedAccessException)
        {
            LastRejection = ex is RuleFileException r ? r.Errors : [ex.Message];
            _reloads.WithLabels("rejected").Inc();
            logger.LogError("Alert rule file {Path} rejected; keeping the {Rules} rules in force: {Problems}",
                Path, _current.Rules.Count, string.Join("; ", LastRejection));
            return false;
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _settle?.Dispose();
    }

    private void Changed() => _settle?.Change(Settle, Timeout.InfiniteTimeSpan);

    private void Apply(AlertRuleSet rules)
    {
        _current = rules;
        _rules.Set(rules.Rules.Count);
    }
}
