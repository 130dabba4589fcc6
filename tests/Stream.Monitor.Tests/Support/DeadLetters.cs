using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Stream.Monitor.Tests.Support;

/// <summary>Reading dead letters' headers.</summary>
public static class DeadLetters
{
    /// <summary>A header's last value as text; null when the record has none.</summary>
    public static string? Header(ConsumeResult<byte[]?, byte[]?> r, string key) =>
        r.Message.Headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The source record a dead letter copies: topic, partition and offset.</summary>
    public static (string Topic, int Partition, long Offset) Source(ConsumeResult<byte[]?, byte[]?> r) =>
        (Header(r, "dlq.source.topic")!, int.Parse(Header(r, "dlq.source.partition")!, CultureInfo.InvariantCulture),
            long.Parse(Header(r, "dlq.source.offset")!, CultureInfo.InvariantCulture));
}
