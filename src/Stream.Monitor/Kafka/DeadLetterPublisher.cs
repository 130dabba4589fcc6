using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Stream.Core.Events;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Sends rejected records to the dead-letter topic with their original key, value and headers, plus
/// headers naming the reason and where the record came from. The pipeline waits for these deliveries
/// before committing the batch's offsets, so a rejected record is never lost (after a crash it may be
/// dead-lettered twice; the source headers identify such copies).
/// <para>
/// A record that would not fit the dead-letter topic (<see cref="MaxBytes"/>) goes as a truncated copy, flagged
/// by <see cref="TruncatedHeader"/> with the original's size and SHA-256, so no record's size can stop ingestion.
/// A record whose copy was delivered is not sent again when its batch is read again after a failed flush:
/// retries do not multiply dead letters (<see cref="Committed"/> forgets what its partition has committed).
/// </para>
/// </summary>
public sealed class DeadLetterPublisher(DeliveryTracker deliveries, string topic, int maxBytes)
{
    public const string ReasonHeader = "dlq.reason";
    public const string DetailHeader = "dlq.detail";
    public const string SourceTopicHeader = "dlq.source.topic";
    public const string SourcePartitionHeader = "dlq.source.partition";
    public const string SourceOffsetHeader = "dlq.source.offset";
    public const string SourceTimestampHeader = "dlq.source.timestamp";
    public const string TruncatedHeader = "dlq.truncated";
    public const string OriginalSizeHeader = "dlq.original.size";
    public const string OriginalKeySizeHeader = "dlq.original.key.size";
    public const string OriginalSha256Header = "dlq.original.sha256";

    /// <summary>A truncated copy keeps at most this much of the key; the rest of the room goes to the value.</summary>
    private const int MaxTruncatedKeyBytes = 1024;

    /// <summary>Room kept for the headers this publisher adds and the record's framing.</summary>
    private const int Overhead = 4096;

    // Source offsets whose copy is delivered but whose batch is not committed yet, by topic and partition.
    private readonly Dictionary<(string Topic, int Partition), HashSet<long>> _delivered = [];

    public string Topic { get; } = topic;

    /// <summary>The largest dead letter sent whole (key, value and headers); larger ones are truncated to fit.</summary>
    public int MaxBytes { get; } = maxBytes;

    public void Publish(ConsumedRecord record, RejectReason reason, string detail)
    {
        var source = (record.Topic, record.Partition);
        lock (_delivered)
        {
            if (_delivered.TryGetValue(source, out var sent) && sent.Contains(record.Offset)) return;
        }

        var originalHeaderBytes = 0;
        if (record.Headers is { } original)
            foreach (var h in original) originalHeaderBytes += h.Key.Length + (h.GetValueBytes()?.Length ?? 0);
        var whole = record.Key.Length + record.Value.Length + originalHeaderBytes + Overhead <= MaxBytes;
        // The original's headers are dropped from a truncated copy when they alone would take a quarter of the room.
        var keepHeaders = whole || originalHeaderBytes <= MaxBytes / 4;
        var headers = new Headers();
        if (keepHeaders && record.Headers is { } kept)
            foreach (var h in kept) headers.Add(h.Key, h.GetValueBytes());

        byte[]? key, value;
        if (whole)
        {
            (key, value) = (record.Key.ToArray(), record.Value.ToArray());
        }
        else
        {
            var keySpan = record.Key.Span;
            key = record.Key.IsNull ? null : keySpan[..Math.Min(keySpan.Length, MaxTruncatedKeyBytes)].ToArray();
            var room = Math.Max(0, MaxBytes - Overhead - (key?.Length ?? 0) - (keepHeaders ? originalHeaderBytes : 0));
            var valueSpan = record.Value.Span;
            value = valueSpan[..Math.Min(valueSpan.Length, room)].ToArray();
            headers.Add(TruncatedHeader, Utf8("true"));
            headers.Add(OriginalSizeHeader, Utf8(valueSpan.Length.ToString(CultureInfo.InvariantCulture)));
            headers.Add(OriginalKeySizeHeader, Utf8(keySpan.Length.ToString(CultureInfo.InvariantCulture)));
            headers.Add(OriginalSha256Header, Utf8(Convert.ToHexStringLower(SHA256.HashData(valueSpan))));
        }
        headers.Add(ReasonHeader, Utf8(reason.WireName()));
        headers.Add(DetailHeader, Utf8(detail));
        headers.Add(SourceTopicHeader, Utf8(record.Topic));
        headers.Add(SourcePartitionHeader, Utf8(record.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffsetHeader, Utf8(record.Offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceTimestampHeader, Utf8(record.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture)));

        var offset = record.Offset;
        deliveries.Produce(Topic, new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers }, delivered =>
        {
            if (!delivered) return;
            lock (_delivered)
            {
                if (!_delivered.TryGetValue(source, out var sent)) _delivered[source] = sent = [];
                sent.Add(offset);
            }
        });
    }

    /// <summary>The partition's batches are committed up to <paramref name="next"/> per topic: their copies need no memory any more.</summary>
    public void Committed(int partition, IReadOnlyDictionary<string, long> next)
    {
        lock (_delivered)
        {
            foreach (var (topic, offset) in next)
                if (_delivered.TryGetValue((topic, partition), out var sent)) sent.RemoveWhere(o => o < offset);
        }
    }

    /// <summary>The partition went to another owner, which may dead-letter its uncommitted records again.</summary>
    public void Forget(int partition)
    {
        lock (_delivered)
        {
            foreach (var source in _delivered.Keys.Where(k => k.Partition == partition).ToList()) _delivered.Remove(source);
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
