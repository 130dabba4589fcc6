using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Kafka;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest.Flush;
using Stream.Monitor.Kafka;
using Stream.Monitor.Telemetry;

namespace Stream.Monitor.Ingest;

/// <summary>
/// The report stage, and every other word the ingest path says: metrics, the status that health checks and the
/// console read, and the log. Labels and messages name topics and partitions, never customers.
/// </summary>
public sealed class IngestReporter(IngestMetrics metrics, AlertTelemetry alerts, Alerts.RecentAlerts recent, IngestStatus status, IOptions<KafkaOptions> kafka, ILogger<IngestReporter> logger)
{
    private readonly StreamTopics _topics = kafka.Value.Topics;

    internal void Starting(int partitions)
    {
        metrics.Initialise(_topics);
        status.RecordStart(partitions);
    }

    internal void Consuming(bool running)
    {
        status.RecordRunning(running);
        if (running)
            logger.LogInformation("Consuming {Topics} as group {Group} ({Partitions} partitions each)",
                string.Join(", ", _topics.Inputs), kafka.Value.GroupId, status.PartitionCount);
    }

    internal bool HasFirstRecord => status.FirstRecordTimestamp != 0;

    internal void FirstRecord(long timestamp) => status.RecordFirstRecord(timestamp);

    /// <summary>A run of records taken (once per run, not per record: the consumer thread's loop is the hot path).</summary>
    internal void Taken(int records) => status.RecordTaken(records);

    /// <summary>The loop failed and starts over from Redis.</summary>
    internal void LoopFailed(Exception ex)
    {
        metrics.Errors.WithLabels(Stage(ex)).Inc();
        logger.LogError(ex, "Ingest failed; resuming from the last committed offsets");
    }

    internal void FlushFailed(Exception ex, string when) => logger.LogWarning(ex, "Flush failed {When}; the next owner resumes from the last committed offsets", when);

    internal void Assigned(IEnumerable<int> partitions) => logger.LogInformation("Assigned partitions {Partitions}", List(partitions));
    internal void Revoked(IEnumerable<int> partitions) => logger.LogInformation("Revoked partitions {Partitions}", List(partitions));
    internal void Lost(IEnumerable<int> partitions) => logger.LogWarning("Lost partitions {Partitions}", List(partitions));

    internal void Owned(IReadOnlyCollection<int> partitions)
    {
        status.RecordOwned(partitions);
        metrics.PartitionsOwned.Set(partitions.Count);
    }

    internal void ClaimFailed(int partition, Exception ex, TimeSpan retryIn) =>
        logger.LogWarning(ex, "Claiming partition {Partition} failed; trying again in {Backoff}", partition, retryIn);

    internal void PartitionReset(int partition, Exception? cause)
    {
        metrics.Errors.WithLabels(cause is null ? "pipeline" : Stage(cause)).Inc();
        logger.LogError(cause, "Partition {Partition} failed to commit; it resumes from its last committed offsets", partition);
    }

    internal void PartitionFailed(int partition) => metrics.PartitionFailures.WithLabels(Label(partition)).Set(status.RecordPartitionFailure(partition));

    internal void PartitionHealthy(int partition)
    {
        if (status.ClearPartitionFailures(partition)) metrics.PartitionFailures.WithLabels(Label(partition)).Set(0);
    }

    internal void Fenced(int partition)
    {
        metrics.Fenced.Inc();
        logger.LogWarning("Partition {Partition} was taken over by another instance; dropping its uncommitted work", partition);
    }

    internal void Changes(IReadOnlyList<StatusChange> changes)
    {
        metrics.RecordChanges(changes);
        status.RecordChanges(changes.Count);
    }

    internal void Alerts(IReadOnlyList<Alerts.RaisedAlert> raised, DateTimeOffset at)
    {
        if (raised.Count == 0) return;
        alerts.Record(raised, at);
        recent.Record(raised);
        status.RecordAlerts(raised.Count);
    }

    /// <summary>A partition's batch is committed: its counts become metrics, its offsets Kafka's (for lag tooling) and its lag a gauge.</summary>
    internal void Committed(EncodedBatch batch, IConsumer<RecordBytes, RecordBytes> consumer, List<TopicPartition> assignment, DateTimeOffset at)
    {
        var counts = batch.Counts;
        metrics.BatchRecords.Observe(counts.Records);
        foreach (var type in EventTypes.All)
        {
            if (counts.Applied(type) is > 0 and var n) metrics.Consumed.WithLabels(_topics.For(type.Kind()), type.WireName()).Inc(n);
        }
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var topic = _topics.For(kind);
            foreach (var reason in RejectReasons.All)
            {
                if (counts.Rejected(kind, reason) is > 0 and var n) metrics.Invalid.WithLabels(topic, reason.WireName()).Inc(n);
            }
            if (counts.Duplicates(kind) is > 0 and var d) metrics.Duplicates.WithLabels(topic).Inc(d);
            if (counts.Late(kind) is > 0 and var l) metrics.Late.WithLabels(topic).Inc(l);
            if (counts.DedupeEvictions(kind) is > 0 and var e) metrics.DedupeEvictions.WithLabels(topic).Inc(e);
        }
        var nowMs = at.ToUnixTimeMilliseconds();
        foreach (var (occurredAtMs, recordAtMs) in counts.Latencies)
        {
            metrics.EventLatency.Observe((nowMs - occurredAtMs) / 1000d);
            metrics.PipelineLatency.Observe(Math.Max(0, nowMs - recordAtMs) / 1000d);
        }
        status.RecordReviews(counts.ReviewsByEvent + counts.ReviewsByTimer);
        if (counts.ReviewsByEvent > 0) metrics.Reviews.WithLabels("event").Inc(counts.ReviewsByEvent);
        if (counts.ReviewsByTimer > 0) metrics.Reviews.WithLabels("timer").Inc(counts.ReviewsByTimer);
        metrics.Batches.Inc();
        status.RecordCommit(counts.AppliedTotal, counts.RejectedTotal, at);
        StoreKafkaOffsets(consumer, batch.Owner.Number, batch.Next);
        UpdateLag(consumer, assignment, batch.Owner);
    }

    internal void CustomersCached(int count) => metrics.CustomersCached.Set(count);

    internal void Watermark(string topic, int partition, DateTimeOffset watermark) =>
        metrics.Watermark.WithLabels(topic, Label(partition)).Set(watermark.ToUnixTimeMilliseconds() / 1000d);

    private static void StoreKafkaOffsets(IConsumer<RecordBytes, RecordBytes> consumer, int partition, IReadOnlyDictionary<string, long> next)
    {
        foreach (var (topic, offset) in next)
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(topic, partition, offset));
            }
            catch (KafkaException)
            {
                // Not assigned any more: Kafka's offsets are informational, Redis has the real ones.
            }
        }
    }

    private void UpdateLag(IConsumer<RecordBytes, RecordBytes> consumer, List<TopicPartition> assignment, OwnedPartition p)
    {
        foreach (var tp in assignment)
        {
            if (tp.Partition.Value != p.Number) continue;
            var high = consumer.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset) continue;
            metrics.Lag.WithLabels(tp.Topic, Label(p.Number)).Set(Math.Max(0, high.Value - (p.CommittedNext.TryGetValue(tp.Topic, out var c) ? c : 0)));
        }
    }

    private static string Stage(Exception ex) => ex is RedisException or TimeoutException ? "redis" : "pipeline";

    private static string Label(int partition) => partition.ToString(CultureInfo.InvariantCulture);

    private static string List(IEnumerable<int> partitions) => string.Join(",", partitions.Distinct().Order());
}
