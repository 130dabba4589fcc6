using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Stream.Core.Alerts;
using Stream.Core.Text;

namespace Stream.Monitor.Alerts;

/// <summary>An alert event as JSON (schemas/v1/customer-alert.schema.json), for the <c>customer.alerts</c> topic and webhooks.</summary>
public static class AlertEventWriter
{
    public static byte[] Serialize(AlertEvent a)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("alertId", a.AlertId);
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("event", a.Transition == AlertTransition.Fired ? "fired" : "resolved");
            w.WriteString("customerId", a.CustomerId);
            w.WriteStartObject("rule");
            w.WriteString("id", a.Rule.Id);
            w.WriteString("kind", a.Rule.Kind.SnakeName());
            if (a.Rule.Description is { } description) w.WriteString("description", description);
            w.WriteEndObject();
            w.WriteString("startedAt", Time(a.StartedAtMs));
            w.WriteString("at", Time(a.AtMs));
            w.WriteString("severity", a.Rule.Severity.SnakeName());
            w.WriteStartObject("evidence");
            var r = a.Reading;
            if (a.Rule.Metric is { } metric) w.WriteString("metric", metric.Name());
            if (r.Value is { } value && double.IsFinite(value)) w.WriteNumber("value", Math.Round(value, 6));
            if (r.Threshold is { } threshold && double.IsFinite(threshold)) w.WriteNumber("threshold", Math.Round(threshold, 6));
            if (a.Rule.Recover?.For(a.Status.Tier) is { } recover) w.WriteNumber("recover", recover);
            if (r.WindowDays is { } days) w.WriteNumber("windowDays", days);
            w.WriteEndObject();
            w.WriteStartObject("customer");
            if (a.Status.Tier is { } tier) w.WriteString("tier", tier.SnakeName());
            if (a.Status.Segment is { } segment) w.WriteString("segment", segment.SnakeName());
            w.WriteString("stage", a.Status.Stage.SnakeName());
            if (a.Scores is { } s)
            {
                w.WriteNumber("pAlive", Math.Round(s.ProbabilityAlive, 6));
                w.WriteNumber("clv12m", Math.Round(s.Clv12m, 2));
                w.WriteNumber("modelVersion", s.ModelVersion);
            }
            w.WriteEndObject();
            w.WriteString("suggestedAction", a.SuggestedAction);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
