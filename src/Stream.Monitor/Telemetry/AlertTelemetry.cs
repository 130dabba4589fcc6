using Prometheus;
using Stream.Core.Alerts;
using Stream.Core.Text;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Telemetry;

/// <summary>
/// The alert engine's Prometheus metrics. Labels are the rule (bounded by the rule file), severity, tier and
/// transition; never a customer.
/// </summary>
public sealed class AlertTelemetry(CollectorRegistry registry)
{
    private readonly Counter _alerts = Metrics.WithCustomRegistry(registry).CreateCounter("stream_alerts_total",
        "Alerts published, by rule, severity, the customer's value tier (none: no model yet) and event (fired, resolved).",
        "rule", "severity", "tier", "event");

    private readonly Histogram _latency = Metrics.WithCustomRegistry(registry).CreateHistogram("stream_alert_latency_seconds",
        "Event to alert: from the Kafka timestamp of the record whose event raised an alert (when it reached Kafka) to the alert's batch being committed; alerts raised by an event as it was applied.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    private readonly Histogram _lateness = Metrics.WithCustomRegistry(registry).CreateHistogram("stream_alert_timer_lateness_seconds",
        "Timer lateness: wall time from the partition's watermark passing an alert's due time to the alert's batch being committed (alerts raised by timers).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    /// <summary>A flush's alerts were delivered and its batches written at <paramref name="at"/>.</summary>
    public void Record(IReadOnlyList<RaisedAlert> alerts, DateTimeOffset at)
    {
        foreach (var a in alerts)
        {
            var e = a.Event;
            _alerts.WithLabels(e.Rule.Id, e.Rule.Severity.SnakeName(), e.Status.Tier?.SnakeName() ?? "none",
                e.Transition == AlertTransition.Fired ? "fired" : "resolved").Inc();
            if (a.DueSince is { } due) _lateness.Observe(Math.Max(0, (at - due).TotalSeconds));
            else if (a.RecordAtMs is { } recordAtMs) _latency.Observe(Math.Max(0, (at - DateTimeOffset.FromUnixTimeMilliseconds(recordAtMs)).TotalSeconds));
        }
    }
}
