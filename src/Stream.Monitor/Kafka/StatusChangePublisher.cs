using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.Text;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Publishes status changes to the changes topic as JSON (schemas/v1/customer-change.schema.json), keyed by
/// customer id so one customer's changes stay in order. Delivered before the batch that made them commits;
/// after a crash a change may be published again with the same <c>eventId</c>.
/// </summary>
public sealed class StatusChangePublisher(DeliveryTracker deliveries, string topic)
{
    public string Topic { get; } = topic;

    public void Publish(StatusChange change) =>
        deliveries.Produce(Topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(change.CustomerId), Value = Serialize(change) });

    public static byte[] Serialize(StatusChange c)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventId", c.EventId);
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("customerId", c.CustomerId);
            w.WriteString("asOf", EpochDays.ToDate(c.AsOfDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("kind", Kind(c.Kind));
            if (c.Previous is null) w.WriteNull("previous");
            else w.WriteString("previous", c.Previous);
            w.WriteString("current", c.Current);
            if (c.Tier is { } tier) w.WriteString("tier", tier.LowerName());
            if (c.ModelVersion is { } version) w.WriteNumber("modelVersion", version);
            if (c.SuggestedAction is { } action) w.WriteString("suggestedAction", action);
            w.WriteStartObject("evidence");
            var e = c.Evidence;
            if (e.RecencyDays is { } r) w.WriteNumber("recencyDays", r);
            w.WriteNumber("purchaseDays", e.PurchaseDays);
            w.WriteNumber("netSpend", Money.FromUnits(e.MonetaryUnits));
            w.WriteNumber("tierValue", Money.FromUnits(e.TierValueUnits));
            if (e.ProbabilityAlive is { } p) w.WriteNumber("pAlive", Math.Round(p, 6));
            if (e.EngagementRatio is { } er) w.WriteNumber("engagementRatio", Math.Round(er, 4));
            if (e.SpendRatio is { } sr) w.WriteNumber("spendRatio", Math.Round(sr, 4));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string Kind(StatusChangeKind kind) => kind switch
    {
        StatusChangeKind.Stage => "stage_changed",
        StatusChangeKind.Segment => "segment_changed",
        StatusChangeKind.Tier => "tier_changed",
        StatusChangeKind.ChurnRisk => "churn_risk_changed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
