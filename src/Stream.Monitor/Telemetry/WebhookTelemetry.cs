using System.Collections.Concurrent;
using Prometheus;

namespace Stream.Monitor.Telemetry;

/// <summary>Webhook delivery metrics. Labels are endpoint names (bounded by configuration), never a customer or a URL.</summary>
public sealed class WebhookTelemetry
{
    private readonly Counter _attempts;
    private readonly Counter _deadLetters;
    private readonly ConcurrentDictionary<int, long> _queued = new();

    public WebhookTelemetry(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _attempts = factory.CreateCounter("stream_webhook_attempts_total",
            "Webhook requests, by endpoint and outcome: delivered (a 2xx answer) or failed (another answer, a timeout or no connection).",
            "endpoint", "outcome");
        _deadLetters = factory.CreateCounter("stream_webhook_dead_letters_total",
            "Alerts whose webhook delivery failed every attempt, kept in the partition's dead-letter stream, by endpoint.", "endpoint");
        var queued = factory.CreateGauge("stream_webhook_queued",
            "Alerts waiting for webhook delivery in the queues of the partitions this instance owns (as last looked at).");
        registry.AddBeforeCollectCallback(() => queued.Set(_queued.Values.Sum()));
    }

    public void Attempt(string endpoint, bool delivered) => _attempts.WithLabels(endpoint, delivered ? "delivered" : "failed").Inc();

    public void DeadLettered(string endpoint) => _deadLetters.WithLabels(endpoint).Inc();

    /// <summary>A partition's queue length; null: no longer owned here.</summary>
    public void Queued(int partition, long? length)
    {
        if (length is { } n) _queued[partition] = n;
        else _queued.TryRemove(partition, out _);
    }
}
