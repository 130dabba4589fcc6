using System.Text.Json;
using Json.Schema;
using Prometheus;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Monitor.Tests.Support;

namespace Stream.Monitor.Tests;

/// <summary>
/// Customers who send nothing still change: the partition watermark (moved by other customers' events)
/// fires their review timers, and each change is published on the event-time day it happens.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReviewTimerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> NoModels = new() { ["Stream:Models:Enabled"] = "false" };

    private static CustomerEvent Purchase(string customer, int day, int n) => new()
    {
        EventId = $"{customer}-{n}", CustomerId = customer, OccurredAt = Start.AddDays(day).AddHours(10), Type = EventType.Purchase,
        OrderId = $"o-{customer}-{n}", Amount = 25m + n % 7, Currency = "USD",
    };

    [Fact]
    public async Task A_silent_customer_turns_dormant_and_churned_on_the_exact_event_time_days_whatever_the_batching()
    {
        using var bed = new StreamTestBed(partitions: 1);
        var quiet = new[] { "quiet-1", "quiet-2", "quiet-3" };
        var events = new List<CustomerEvent>();
        for (var day = 0; day <= 420; day++)
        {
            // Busy customers keep event time moving; quiet ones buy twice early on and then say nothing.
            for (var b = 0; b < 8; b++)
                if ((day + b) % 6 == 0) events.Add(Purchase($"busy-{b}", day, day));
            if (day is 0 or 10) foreach (var q in quiet) events.Add(Purchase(q, day + Array.IndexOf(quiet, q), day));
        }
        events = [.. events.OrderBy(e => e.OccurredAt)];
        var phase1 = events.Where(e => e.OccurredAt < Start.AddDays(30)).ToList();

        await using (var monitor = bed.CreateMonitor(extra: NoModels))
        {
            await monitor.StartAsync();
            Produce(bed, phase1);
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(60), "phase 1 to be committed");
            Produce(bed, events.Skip(phase1.Count));
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(60), "phase 2 to be committed");

            // Metrics follow the Redis commit by one poll of the consumer loop.
            var registry = monitor.Services.GetRequiredService<CollectorRegistry>();
            await Eventually.Until(async () =>
            {
                var metrics = await MetricsText.Scrape(registry);
                return MetricsText.Sum(metrics, "stream_reviews_total", "trigger=\"timer\"") >= quiet.Length
                    && MetricsText.Sum(metrics, "stream_status_changes_total", "current=\"churned\"") >= quiet.Length;
            }, TimeSpan.FromSeconds(10), "quiet customers to be reviewed by their timers and reported churned");
            await monitor.StopAsync();
        }

        var changes = ReadChanges(bed);
        var finalDay = EpochDays.Of(DateOnly.FromDateTime(Start.AddDays(420).UtcDateTime));
        foreach (var q in quiet)
        {
            var last = Array.IndexOf(quiet, q) + 10;
            var stages = changes.Where(c => c.Customer == q && c.Kind == "stage_changed").ToList();
            Assert.True(stages.Count >= 3, $"{q}: {stages.Count} stage changes");
            for (var i = 1; i < stages.Count; i++)
            {
                Assert.Equal(stages[i - 1].Current, stages[i].Previous);
                Assert.True(stages[i - 1].AsOf < stages[i].AsOf);
            }
            var dormant = Assert.Single(stages, c => c.Current == "dormant");
            Assert.Equal(DateOnly.FromDateTime(Start.AddDays(last + 180).UtcDateTime), dormant.AsOf);
            Assert.Equal(180, dormant.Json.GetProperty("evidence").GetProperty("recencyDays").GetInt32());
            Assert.Equal("win-back campaign", dormant.Json.GetProperty("suggestedAction").GetString());
            var churned = Assert.Single(stages, c => c.Current == "churned");
            Assert.Equal(DateOnly.FromDateTime(Start.AddDays(last + 365).UtcDateTime), churned.AsOf);

            // The next timer is set beyond the final watermark.
            var due = await bed.Redis.Connection.GetDatabase().SortedSetScoreAsync(bed.Keys.Due(0), q);
            Assert.True(due > finalDay - 1, $"{q} next review {due}");
        }

        // Replaying the same events in tiny batches, from scratch, gives the same changes for silent customers.
        await using (var replay = bed.CreateMonitor("replay", new Dictionary<string, string?>(NoModels)
        {
            ["Stream:Redis:KeyPrefix"] = "replay",
            ["Stream:Ingest:MaxBatchRecords"] = "3",
        }))
        {
            await replay.StartAsync();
            var replayKeys = new Storage.RedisKeys("replay");
            await Eventually.Until(async () =>
            {
                var next = await bed.Redis.Connection.GetDatabase().HashGetAsync(replayKeys.Offsets(0), bed.Topics.Transactions);
                return !next.IsNull && (long)next == events.Count;
            }, TimeSpan.FromSeconds(120), "the replay to commit every offset");
            await replay.StopAsync();
        }
        var all = ReadChanges(bed);
        foreach (var q in quiet)
        {
            var last = Array.IndexOf(quiet, q) + 10;
            var afterLast = all.Where(c => c.Customer == q && c.AsOf > DateOnly.FromDateTime(Start.AddDays(last).UtcDateTime)).ToList();
            Assert.NotEmpty(afterLast);
            // Each such change was published once by each run, with the same content and id.
            foreach (var group in afterLast.GroupBy(c => c.EventId))
            {
                Assert.Equal(2, group.Count());
                Assert.Single(group.Select(c => c.Json.GetRawText()).Distinct());
            }
        }
    }

    private static void Produce(StreamTestBed bed, IEnumerable<CustomerEvent> events)
    {
        using var producer = bed.CreateProducer();
        foreach (var e in events) producer.Enqueue(e);
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static readonly JsonSchema ChangeSchema = JsonSchema.FromFile(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "v1", "customer-change.schema.json"));
    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    /// <summary>Every kind of change, with and without optional parts, matches the published contract.</summary>
    [Fact]
    public void Published_changes_match_the_change_schema()
    {
        var full = new Core.Scoring.ChangeEvidence(12, 3, 1_234_500, 99_0000, 0.2512, 0.5, 1.25);
        var bare = new Core.Scoring.ChangeEvidence(null, 0, 0, -5_000, null, null, null);
        var samples = new[]
        {
            new Core.Scoring.StatusChange("c-1", Core.Scoring.StatusChangeKind.Stage, "active", "dormant", 20_000, null, null, bare, "win-back campaign"),
            new Core.Scoring.StatusChange("c-1", Core.Scoring.StatusChangeKind.Segment, "Champions", "At Risk", 20_000, 3, ValueTier.Premium, full, null),
            new Core.Scoring.StatusChange("c-1", Core.Scoring.StatusChangeKind.Tier, "growth", "premium", 20_000, 3, ValueTier.Premium, full, "assign dedicated service"),
            new Core.Scoring.StatusChange("c-1", Core.Scoring.StatusChangeKind.ChurnRisk, "not_at_risk", "at_risk", 20_000, 3, ValueTier.Growth, full, "personal call"),
        };
        foreach (var change in samples)
        {
            using var doc = JsonDocument.Parse(Kafka.StatusChangePublisher.Serialize(change));
            var result = ChangeSchema.Evaluate(doc.RootElement, Strict);
            Assert.True(result.IsValid, doc.RootElement.GetRawText());
        }
        // The schema is not a rubber stamp: an unknown stage fails it.
        using var bad = JsonDocument.Parse(Kafka.StatusChangePublisher.Serialize(samples[0] with { Current = "asleep" }));
        Assert.False(ChangeSchema.Evaluate(bad.RootElement, Strict).IsValid);
    }

    private sealed record Change(string EventId, string Customer, string Kind, string? Previous, string Current, DateOnly AsOf, JsonElement Json);

    private static List<Change> ReadChanges(StreamTestBed bed)
    {
        var result = new List<Change>();
        foreach (var record in bed.ReadAll(bed.Topics.Changes))
        {
            var json = JsonDocument.Parse(record.Value).RootElement.Clone();
            Assert.True(ChangeSchema.Evaluate(json, Strict).IsValid, json.GetRawText());
            Assert.Equal(json.GetProperty("customerId").GetString(), record.Key);
            result.Add(new Change(json.GetProperty("eventId").GetString()!, record.Key, json.GetProperty("kind").GetString()!,
                json.GetProperty("previous").GetString(), json.GetProperty("current").GetString()!,
                DateOnly.Parse(json.GetProperty("asOf").GetString()!, System.Globalization.CultureInfo.InvariantCulture), json));
        }
        return result;
    }
}
