using Prometheus;
using Stream.Monitor.Ingest;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Telemetry;

/// <summary>
/// <c>stream_alerts_open{rule}</c>: the open alerts of the partitions this instance owns, read from the counts the
/// commits keep in Redis when the metrics are scraped. Each partition has one owner, so the sum over instances is
/// the whole; counters of fired minus resolved would not survive a restart.
/// </summary>
public sealed class OpenAlertsGauge(CollectorRegistry registry, CustomerStateStore store, IngestStatus status) : IHostedService
{
    private readonly Gauge _open = Metrics.WithCustomRegistry(registry).CreateGauge("stream_alerts_open",
        "Alerts fired and not resolved, by rule, in the partitions this instance owns (sum over instances for the whole).", "rule");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.AddBeforeCollectCallback(async ct =>
        {
            Dictionary<string, long> counts;
            try
            {
                counts = await store.OpenAlertsByRuleAsync(status.Owned).WaitAsync(ct);
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or OperationCanceledException)
            {
                // Redis is away: the last counts stay, and the other metrics are still served.
                return;
            }
            foreach (var labels in _open.GetAllLabelValues())
            {
                if (!counts.ContainsKey(labels[0])) _open.RemoveLabelled(labels);
            }
            foreach (var (rule, n) in counts) _open.WithLabels(rule).Set(n);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
