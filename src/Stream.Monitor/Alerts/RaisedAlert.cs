using Stream.Core.Alerts;

namespace Stream.Monitor.Alerts;

/// <summary>
/// An alert a batch raised, serialized once for the topic and the open-alerts list. <see cref="DueSince"/>: raised by
/// an event-time timer, not by events, whose partition's watermark passed a due time at that wall-clock moment.
/// <see cref="RecordAtMs"/>: raised right after an event was applied, the Kafka timestamp of its record (when it
/// reached Kafka).
/// </summary>
public sealed record RaisedAlert(AlertEvent Event, byte[] Json, DateTimeOffset? DueSince, long? RecordAtMs = null)
{
    public static RaisedAlert Of(AlertEvent alert, DateTimeOffset? dueSince, long? recordAtMs = null) =>
        new(alert, AlertEventWriter.Serialize(alert), dueSince, recordAtMs);
}
