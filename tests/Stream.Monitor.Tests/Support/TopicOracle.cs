using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Json.Schema;
using Stream.Kafka;

namespace Stream.Monitor.Tests.Support;

/// <summary>What the recount expects one customer's stored state to say.</summary>
public sealed class ExpectedCustomer
{
    public long EventCount { get; set; }
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, decimal> Amounts { get; } = new(StringComparer.Ordinal);
    public SortedSet<DateOnly> PurchaseDays { get; } = [];
    public DateTimeOffset FirstEventAt { get; set; } = DateTimeOffset.MaxValue;
    public DateTimeOffset LastEventAt { get; set; } = DateTimeOffset.MinValue;
}

/// <summary>The recount of the input topics: per customer what state must say, and what the dead-letter topic must hold.</summary>
public sealed record Recount(
    IReadOnlyDictionary<string, ExpectedCustomer> Customers,
    IReadOnlySet<(string Topic, int Partition, long Offset)> Invalid,
    long Records,
    long Duplicates);

/// <summary>
/// An independent oracle: reads every record of the input topics with a plain consumer and recounts by the
/// published contract, sharing no code with the pipeline. A record is valid when it is at most 64 KiB, parses
/// as JSON, passes its topic's JSON Schema (<c>schemas/v1</c>, formats asserted), its key is its
/// <c>customerId</c>, a transaction is in USD, and <c>occurredAt</c> is at most an hour after the record's
/// timestamp. A valid record is a re-delivery when its <c>eventId</c> was counted for the same customer and topic
/// at an event time (whole seconds) no older than the horizon before the newest event time seen there, as the
/// contract documents. The rest is LINQ: counts and amounts by type, distinct purchase days, first and last event time.
/// </summary>
public static class TopicOracle
{
    private const int MaxEventBytes = 64 * 1024;
    private static readonly TimeSpan MaxFutureSkew = TimeSpan.FromHours(1);
    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true };

    private static readonly Lazy<Dictionary<string, JsonSchema>> SchemasByFile = new(() => new()
    {
        ["interaction"] = JsonSchema.FromFile(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "v1", "interaction.schema.json")),
        ["transaction"] = JsonSchema.FromFile(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "v1", "transaction.schema.json")),
        ["profile"] = JsonSchema.FromFile(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "v1", "customer-profile.schema.json")),
    });

    /// <summary>Every record of every input topic-partition, from offset 0 to the given end offsets.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrap, IReadOnlyDictionary<TopicPartition, long> ends)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "oracle", EnableAutoCommit = false, FetchMaxBytes = 64 * 1024 * 1024,
        }).Build();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var open = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
        consumer.Assign(open.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (open.Count > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the oracle could not read {open.Count} topic-partitions to their end");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.Offset.Value < ends[r.TopicPartition]) records.Add(r);
            if (r.Offset.Value + 1 >= ends[r.TopicPartition]) open.Remove(r.TopicPartition);
        }
        return records;
    }

    public static Recount Count(IEnumerable<ConsumeResult<byte[]?, byte[]?>> records, StreamTopics topics, TimeSpan dedupeHorizon)
    {
        var customers = new Dictionary<string, ExpectedCustomer>(StringComparer.Ordinal);
        var invalid = new HashSet<(string, int, long)>();
        // Per customer and topic: the newest event time seen (seconds) and, per eventId, when it was counted.
        var memory = new Dictionary<(string Customer, string Topic), (long Newest, Dictionary<string, long> Counted)>();
        long total = 0, duplicates = 0;
        var horizon = (long)dedupeHorizon.TotalSeconds;
        foreach (var r in records.OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value))
        {
            total++;
            var ev = Valid(r, topics);
            if (ev is null)
            {
                invalid.Add((r.Topic, r.Partition.Value, r.Offset.Value));
                continue;
            }
            var (customerId, eventId, type, at, amount) = ev.Value;
            var second = (long)Math.Floor(at.ToUnixTimeMilliseconds() / 1000d);
            var key = (customerId, r.Topic);
            var (newest, counted) = memory.TryGetValue(key, out var m) ? m : (long.MinValue, new Dictionary<string, long>(StringComparer.Ordinal));
            if (counted.TryGetValue(eventId, out var when) && when >= newest - horizon)
            {
                duplicates++;
                continue;
            }
            newest = Math.Max(newest, second);
            if (second >= newest - horizon) counted[eventId] = second;
            memory[key] = (newest, counted);
            if (!customers.TryGetValue(customerId, out var c)) customers[customerId] = c = new ExpectedCustomer();
            c.EventCount++;
            c.Counts[type] = c.Counts.GetValueOrDefault(type) + 1;
            if (amount is { } a) c.Amounts[type] = c.Amounts.GetValueOrDefault(type) + a;
            if (type == "purchase") c.PurchaseDays.Add(DateOnly.FromDateTime(at.UtcDateTime));
            if (at < c.FirstEventAt) c.FirstEventAt = at;
            if (at > c.LastEventAt) c.LastEventAt = at;
        }
        return new Recount(customers, invalid, total, duplicates);
    }

    private static (string CustomerId, string EventId, string Type, DateTimeOffset At, decimal? Amount)? Valid(ConsumeResult<byte[]?, byte[]?> r, StreamTopics topics)
    {
        var value = r.Message.Value;
        // JSON text is UTF-8 (RFC 8259); JsonDocument checks string contents only when they are read.
        if (value is null || value.Length > MaxEventBytes || !System.Text.Unicode.Utf8.IsValid(value)) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(value);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            var contract = r.Topic == topics.Interactions ? "interaction" : r.Topic == topics.Transactions ? "transaction" : "profile";
            if (!SchemasByFile.Value[contract].Evaluate(root, Strict).IsValid) return null;
            var customerId = root.GetProperty("customerId").GetString()!;
            if (r.Message.Key is not { } key || Encoding.UTF8.GetString(key) != customerId) return null;
            var at = DateTimeOffset.Parse(root.GetProperty("occurredAt").GetString()!, CultureInfo.InvariantCulture);
            if (r.Message.Timestamp.Type != TimestampType.NotAvailable && at > new DateTimeOffset(r.Message.Timestamp.UtcDateTime) + MaxFutureSkew) return null;
            decimal? amount = null;
            if (contract == "transaction")
            {
                if (root.TryGetProperty("currency", out var currency) && currency.GetString() != "USD") return null;
                amount = root.TryGetProperty("amount", out var a) ? a.GetDecimal() : 0m;
            }
            var type = root.GetProperty("type").GetString()!;
            return (customerId, root.GetProperty("eventId").GetString()!, type, at, amount);
        }
    }
}
