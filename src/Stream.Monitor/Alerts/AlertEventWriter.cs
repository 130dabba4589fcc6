using System.Buffers;
using System.Text.Json;
using Stream.Core.Alerts;
using Stream.Core.Text;

namespace Stream.Monitor.Alerts;

/// <summary>An alert event as JSON (schemas/v1/customer-alert.schema.json), for the <c>customer.alerts</c> topic and webhooks.</summary>
public static class AlertEventWriter
{
    // One buffer and writer per thread, reset for each alert: partitions serialize their alerts in parallel.
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    public static byte[] Serialize(AlertEvent a) => Serialize(a, summary: false);

    /// <summary>
    /// What the open-alerts list in Redis keeps of a fired alert: the same shape, less what the rule file and the topic
    /// already say (kind, description, metric, recovery, window, scores, action), about a third of the bytes.
    /// </summary>
    public static byte[] Summary(AlertEvent a) => Serialize(a, summary: true);

    private static byte[] Serialize(AlertEvent a, bool summary)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        {
            w.WriteStartObject();
            w.WriteString("alertId", a.AlertId);
            if (!summary) w.WriteNumber("schemaVersion", 1);
            w.WriteString("event", a.Transition == AlertTransition.Fired ? "fired" : "resolved");
            w.WriteString("customerId", a.CustomerId);
            w.WriteStartObject("rule");
            w.WriteString("id", a.Rule.Id);
            if (!summary)
            {
                w.WriteString("kind", a.Rule.Kind.SnakeName());
                if (a.Rule.Description is { } description) w.WriteString("description", description);
            }
            w.WriteEndObject();
            w.WriteString("startedAt", Time(a.StartedAtMs));
            w.WriteString("at", Time(a.AtMs));
            w.WriteString("severity", a.Rule.Severity.SnakeName());
            w.WriteStartObject("evidence");
            var r = a.Reading;
            if (a.Rule.Metric is { } metric && !summary) w.WriteString("metric", metric.Name());
            if (r.Value is { } value && double.IsFinite(value)) w.WriteNumber("value", Math.Round(value, 6));
            if (r.Threshold is { } threshold && double.IsFinite(threshold)) w.WriteNumber("threshold", Math.Round(threshold, 6));
            if (a.Rule.Recover?.For(a.Status.Tier) is { } recover && !summary) w.WriteNumber("recover", recover);
            if (r.WindowDays is { } days && !summary) w.WriteNumber("windowDays", days);
            w.WriteEndObject();
            w.WriteStartObject("customer");
            if (a.Status.Tier is { } tier) w.WriteString("tier", tier.SnakeName());
            if (a.Status.Segment is { } segment) w.WriteString("segment", segment.SnakeName());
            w.WriteString("stage", a.Status.Stage.SnakeName());
            if (a.Scores is { } s && !summary)
            {
                w.WriteNumber("pAlive", Math.Round(s.ProbabilityAlive, 6));
                w.WriteNumber("clv12m", Math.Round(s.Clv12m, 2));
                w.WriteNumber("modelVersion", s.ModelVersion);
            }
            w.WriteEndObject();
            if (!summary) w.WriteString("suggestedAction", a.SuggestedAction);
            w.WriteEndObject();
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>UTC, ISO 8601 (fractions of a second only when there are some).</summary>
    private static DateTime Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
}
