using Stream.Kafka;
using Prometheus;
using Stream.Core.Events;

namespace Stream.Monitor.Telemetry;

/// <summary>
/// The ingest pipeline's Prometheus metrics. Labels are structural and bounded (topic, partition, event
/// type, reason); never a customer id.
/// </summary>
public sealed class IngestMetrics
{
    public IngestMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Consumed = factory.CreateCounter("stream_events_consumed_total",
            "Valid events committed to state, by topic and event type (duplicates excluded).", "topic", "type");
        Invalid = factory.CreateCounter("stream_events_invalid_total",
            "Events sent to the dead-letter topic, by source topic and reason.", "topic", "reason");
        Duplicates = factory.CreateCounter("stream_events_duplicate_total",
            "Re-delivered events (same eventId) recognised and applied only once.", "topic");
        DedupeEvictions = factory.CreateCounter("stream_dedupe_evictions_total",
            "Event fingerprints dropped by the per-customer dedupe capacity while still inside the horizon: a re-delivery of one would be applied again.", "topic");
        Late = factory.CreateCounter("stream_events_late_total",
            "Events older than their partition's watermark; still counted in lifetime totals.", "topic");
        Batches = factory.CreateCounter("stream_batches_committed_total", "Micro-batches written to Redis with their offsets.");
        Fenced = factory.CreateCounter("stream_batches_fenced_total",
            "Micro-batches refused because another instance had taken the partition over.");
        Errors = factory.CreateCounter("stream_ingest_errors_total",
            "Failures that made the pipeline retry from its last committed offsets, by stage.", "stage");
        PartitionFailures = factory.CreateGauge("stream_partition_failed_writes",
            "Consecutive failed batch writes of a partition number; 0 once one commits. Above 0 for long: the partition is stuck.", "partition");
        BatchRecords = factory.CreateHistogram("stream_batch_records", "Records per partition micro-batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 4, 10) });
        EventLatency = factory.CreateHistogram("stream_event_latency_seconds",
            "From an event's occurredAt to its state being committed.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 4, 12) });
        PipelineLatency = factory.CreateHistogram("stream_pipeline_latency_seconds",
            "From a record's Kafka timestamp to its state being committed.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        RedisWrite = factory.CreateHistogram("stream_redis_write_seconds", "Duration of one batch's state-and-offset write.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        Lag = factory.CreateGauge("stream_consumer_lag", "Records between the committed position and the partition end.", "topic", "partition");
        Watermark = factory.CreateGauge("stream_watermark_timestamp_seconds", "Event-time watermark of a partition, Unix seconds.", "topic", "partition");
        PartitionsOwned = factory.CreateGauge("stream_partitions_owned", "Partition numbers this instance owns.");
        Reviews = factory.CreateCounter("stream_reviews_total",
            "Customer reviews committed, by trigger: event (the customer sent events) or timer (event time reached its review day).", "trigger");
        Changes = factory.CreateCounter("stream_status_changes_total",
            "Status changes published, by kind (stage, segment, tier, churn_risk) and new value.", "kind", "current");
        CustomersCached = factory.CreateGauge("stream_customers_cached", "Customer states held in memory by this instance.");
    }

    public Counter Consumed { get; }
    public Counter Invalid { get; }
    public Counter Duplicates { get; }
    public Counter Late { get; }
    public Counter DedupeEvictions { get; }
    public Counter Batches { get; }
    public Counter Fenced { get; }
    public Counter Errors { get; }
    public Gauge PartitionFailures { get; }
    public Histogram BatchRecords { get; }
    public Histogram EventLatency { get; }
    public Histogram PipelineLatency { get; }
    public Histogram RedisWrite { get; }
    public Gauge Lag { get; }
    public Gauge Watermark { get; }
    public Gauge PartitionsOwned { get; }
    public Gauge CustomersCached { get; }

    /// <summary>Makes every reason and type series exist at zero so dashboards and rate() see them from the start.</summary>
    public void Initialise(StreamTopics topics)
    {
        foreach (var topic in topics.Inputs)
        {
            foreach (var reason in RejectReasons.All) Invalid.WithLabels(topic, reason.WireName());
            Duplicates.WithLabels(topic);
            Late.WithLabels(topic);
            DedupeEvictions.WithLabels(topic);
        }
        foreach (var type in EventTypes.All) Consumed.WithLabels(topics.For(type.Kind()), type.WireName());
    }

    public Counter Reviews { get; }
    public Counter Changes { get; }

    public void RecordChanges(IReadOnlyList<Stream.Core.Scoring.StatusChange> changes)
    {
        foreach (var c in changes) Changes.WithLabels(Monitor.Kafka.StatusChangePublisher.Kind(c.Kind).Replace("_changed", "", StringComparison.Ordinal), c.Current).Inc();
    }
}
