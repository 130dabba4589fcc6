using System.Text.Json;
using Confluent.Kafka;
using Stream.Core.Events;

namespace Stream.Cli.Commands;

/// <summary>
/// What the peer of <c>bench peer</c> must end up holding, counted here from the input topics with JsonDocument
/// (not the peer's reader): per record a count, its type (known names, else "other"), its amount in cents, and the
/// distinct keys. A value that is not one JSON object counts as "other" and adds no amount. A record without a key
/// or a value is skipped, as a Kafka Streams aggregation skips it.
/// </summary>
internal sealed record PeerTotals(long Customers, long Events, long AmountCents, IReadOnlyDictionary<string, long> ByType, long Skipped)
{
    private static readonly string[] Types = [.. EventTypes.All.Select(t => t.WireName())];

    /// <summary>Reads every record of the topics from the beginning to their current ends.</summary>
    public static PeerTotals Count(string bootstrap, IReadOnlyList<string> topics, int partitions)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "bench-peer-oracle", EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        var assignment = topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p))).ToList();
        var remaining = assignment.Count(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value > 0);
        consumer.Assign(assignment.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var byType = Types.Append("other").ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        long events = 0, cents = 0, skipped = 0;
        while (remaining > 0)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("reading the input topics stalled");
            if (result.IsPartitionEOF)
            {
                // Empty partitions report their end too; those were not counted as remaining.
                if (result.Offset.Value > 0) remaining--;
                continue;
            }
            if (result.Message.Key is not { } key || result.Message.Value is not { } value)
            {
                skipped++;
                continue;
            }
            events++;
            keys.Add(key);
            var (type, amount) = Read(value);
            byType[type]++;
            cents += amount;
        }
        return new PeerTotals(keys.Count, events, cents, byType, skipped);
    }

    private static (string Type, long AmountCents) Read(byte[] value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return ("other", 0);
            var type = doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && Types.Contains(t.GetString()) ? t.GetString()! : "other";
            var cents = doc.RootElement.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetDecimal(out var amount) && Math.Abs(amount) < 1e12m
                ? (long)Math.Round(amount * 100m)
                : 0;
            return (type, cents);
        }
        catch (JsonException)
        {
            return ("other", 0);
        }
    }

    /// <summary>The peer's totals line (its last output): the differences from these, empty when it holds exactly these.</summary>
    public IReadOnlyList<string> Differences(JsonElement peer)
    {
        var differences = new List<string>();
        void Check(string what, long expected, long actual)
        {
            if (expected != actual) differences.Add($"{what}: input {expected:N0}, peer {actual:N0}");
        }
        Check("customers", Customers, peer.GetProperty("customers").GetInt64());
        Check("events", Events, peer.GetProperty("events").GetInt64());
        Check("amount (cents)", AmountCents, peer.GetProperty("amountCents").GetInt64());
        foreach (var (type, count) in ByType) Check($"{type} events", count, peer.GetProperty("byType").GetProperty(type).GetInt64());
        return differences;
    }
}
