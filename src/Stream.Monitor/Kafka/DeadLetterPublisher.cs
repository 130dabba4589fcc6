using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Stream.Core.Events;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Sends rejected records to the dead-letter topic with their original key, value and headers, plus
/// headers naming the reason and where the record came from. The pipeline waits for these deliveries
/// before committing the batch's offsets, so a rejected record is never lost (after a crash it may be
/// dead-lettered twice; the source headers identify such copies).
/// </summary>
public sealed class DeadLetterPublisher(DeliveryTracker deliveries, string topic)
{
    public const string ReasonHeader = "dlq.reason";
    public const string DetailHeader = "dlq.detail";
    public const string SourceTopicHeader = "dlq.source.topic";
    public const string SourcePartitionHeader = "dlq.source.partition";
    public const string SourceOffsetHeader = "dlq.source.offset";
    public const string SourceTimestampHeader = "dlq.source.timestamp";

    public string Topic { get; } = topic;

    public void Publish(ConsumedRecord record, RejectReason reason, string detail)
    {
        var headers = new Headers();
        if (record.Headers is { } original)
            foreach (var h in original) headers.Add(h.Key, h.GetValueBytes());
        headers.Add(ReasonHeader, Utf8(reason.WireName()));
        headers.Add(DetailHeader, Utf8(detail));
        headers.Add(SourceTopicHeader, Utf8(record.Topic));
        headers.Add(SourcePartitionHeader, Utf8(record.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffsetHeader, Utf8(record.Offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceTimestampHeader, Utf8(record.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture)));

        deliveries.Produce(Topic, new Message<byte[]?, byte[]?> { Key = record.Key.ToArray(), Value = record.Value.ToArray(), Headers = headers });
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
