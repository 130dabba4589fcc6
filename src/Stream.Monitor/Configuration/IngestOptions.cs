using System.ComponentModel.DataAnnotations;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Stream:Ingest";

    /// <summary>A micro-batch is written once it holds this many records...</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchRecords { get; set; } = 200_000;

    /// <summary>...or once its first record has waited this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// While the consumer is behind (Kafka holds at least another batch for it when <see cref="MaxBatchDelay"/>
    /// is up), the batch may grow until it is this old, has <see cref="MaxBatchRecords"/>, or the backlog is
    /// read (nothing arrives for <see cref="MaxBatchDelay"/>): records wait in the backlog anyway, and a larger
    /// batch writes each customer fewer times, so the backlog drains sooner. Never shorter than <see cref="MaxBatchDelay"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan CatchUpBatchDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan AllowedLateness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A partition's topics are applied in record-timestamp order. A record goes ahead of a topic that has nothing
    /// taken only once it is this old by the wall clock: a record of that topic produced earlier may still be on its
    /// way (another producer batch, another fetch). Kafka Streams calls this <c>max.task.idle.ms</c>. Under a
    /// backlog records are older and nothing waits; a live record waits at most this long, less when the other
    /// topics carry later records. Zero takes each topic's known end as final, Kafka Streams' default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxTopicWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>After a claim, how long the merge waits for a topic the client knows no end of yet (no fetch answered for it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan UnknownEndWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A partition with no record for this long advances its watermark with the clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A re-delivered <c>eventId</c> is applied once while its original is this recent in event time (per customer and contract).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan DedupeHorizon { get; set; } = DedupePolicy.Default.Horizon;

    /// <summary>Fingerprints kept per customer and contract; past it the earliest go, counted by <c>stream_dedupe_evictions_total</c>.</summary>
    [Range(1, DedupePolicy.MaxCapacity)]
    public int DedupeCapacity { get; set; } = DedupePolicy.Default.Capacity;

    public DedupePolicy Dedupe => new(DedupeHorizon, DedupeCapacity);

    [Range(256, 1_048_576)]
    public int MaxEventBytes { get; set; } = 64 * 1024;

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromHours(1);

    [Required, RegularExpression("^[A-Z]{3}$", ErrorMessage = "Stream:Ingest:Currency must be an ISO 4217 code such as USD.")]
    public string Currency { get; set; } = "USD";

    /// <summary>
    /// Customer states kept in memory per instance; above it, a flush first waits for the previous flush's writes
    /// and then drops every clean state, which is read back from Redis when its customer's next events come.
    /// </summary>
    [Range(1_000, 100_000_000)]
    public int MaxCachedCustomers { get; set; } = 2_000_000;

    public EventLimits Limits => new() { MaxEventBytes = MaxEventBytes, MaxFutureSkew = MaxFutureSkew, Currency = Currency };
}
