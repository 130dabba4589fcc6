using Stream.Core.State;
using Stream.Core.Time;
using Stream.Monitor.Configuration;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest;

/// <summary>
/// One partition number (across all input topics) owned by this instance: its fencing epoch, the records being
/// taken (<see cref="Intake"/>, the consumer thread's), its cached customers (<see cref="Customers"/>, the flush's),
/// its event time and its progress. Partitions share nothing, so a flush works on all of them in parallel.
/// </summary>
internal sealed class OwnedPartition
{
    private readonly IngestOptions _options;
    private readonly Dictionary<string, long> _committedNext = new(StringComparer.Ordinal);
    // What Redis holds once every write encoded so far lands: the progress the next write builds on.
    private readonly Dictionary<string, long> _encodedNext = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PartitionWatermark> _watermarks = new(StringComparer.Ordinal);
    private readonly Action _markReviewsDue;
    private DateTimeOffset _wallNow;

    public OwnedPartition(PartitionClaim claim, IngestOptions options, DateTimeOffset wallNow)
    {
        _options = options;
        _markReviewsDue = () =>
        {
            ReviewsDue = true;
            DueSince ??= _wallNow;
        };
        Number = claim.Partition;
        Epoch = claim.Epoch;
        ClaimedAtMs = wallNow.ToUnixTimeMilliseconds();
        foreach (var (topic, next) in claim.NextOffsets) _committedNext[topic] = _encodedNext[topic] = next;
        foreach (var (topic, ms) in claim.WatermarksMs) Watermark(topic, wallNow).Restore(DateTimeOffset.FromUnixTimeMilliseconds(ms), wallNow);
        Intake = new BatchIntake(claim.NextOffsets);
        _openAlertsRecount = claim.OpenAlertsByRule;
    }

    private IReadOnlyDictionary<string, long>? _openAlertsRecount;

    /// <summary>The open alerts by rule counted at the claim, for this owner's first write to store; null after it is taken.</summary>
    public IReadOnlyDictionary<string, long>? TakeOpenAlertsRecount()
    {
        var recount = _openAlertsRecount;
        _openAlertsRecount = null;
        return recount;
    }

    public int Number { get; }
    public long Epoch { get; }

    /// <summary>When this instance claimed the partition (wall clock, Unix ms).</summary>
    public long ClaimedAtMs { get; }

    public BatchIntake Intake { get; }

    public CustomerCache Customers { get; } = new();

    /// <summary>Next offset per topic as last committed to Redis.</summary>
    public IReadOnlyDictionary<string, long> CommittedNext => _committedNext;

    /// <summary>Event time as the review timers see it (an Rx virtual-time scheduler; see <see cref="EventTimeClock"/>).</summary>
    public EventTimeClock Clock { get; } = new();

    /// <summary>Timers may be due in Redis: the next flush fetches them. True after a claim, so the first flush finds what is pending.</summary>
    public bool ReviewsDue { get; private set; } = true;

    /// <summary>When (wall clock) the watermark passed the earliest timer not yet fetched: timer lateness is measured from it.</summary>
    public DateTimeOffset? DueSince { get; private set; }

    /// <summary>The <see cref="DueSince"/> of the timers fetched last.</summary>
    public DateTimeOffset? FetchedDueSince { get; private set; }

    /// <summary>Timers may be due and event time is known, so the next flush can fetch them.</summary>
    public bool CanFetchReviews => ReviewsDue && EventTimeMs is not null;

    /// <summary>The partition's event time: the earliest of its topics' watermarks, Unix ms; null before any event.</summary>
    public long? EventTimeMs
    {
        get
        {
            var earliest = DateTimeOffset.MaxValue;
            foreach (var wm in _watermarks.Values)
            {
                if (wm.Current != DateTimeOffset.MinValue && wm.Current < earliest) earliest = wm.Current;
            }
            return earliest == DateTimeOffset.MaxValue ? null : earliest.ToUnixTimeMilliseconds();
        }
    }

    /// <summary>The partition's event-time day (<see cref="EventTimeMs"/>'s); null before any event.</summary>
    public int? EventDay => EventTimeMs is { } ms ? PurchaseDays.DayNumber(ms) : null;

    /// <summary>Watermarks by topic (Unix ms), for those that have one.</summary>
    public IEnumerable<KeyValuePair<string, long>> WatermarksMs =>
        _watermarks.Where(w => w.Value.Current != DateTimeOffset.MinValue).Select(w => KeyValuePair.Create(w.Key, w.Value.Current.ToUnixTimeMilliseconds()));

    /// <summary>Moves the topic's watermark with an event; true if the event is late.</summary>
    public bool ObserveEventTime(string topic, DateTimeOffset occurredAt, DateTimeOffset wallNow) => Watermark(topic, wallNow).Observe(occurredAt, wallNow);

    /// <summary>Moves idle topics' watermarks with the wall clock, and the event-time clock with them; the watermarks after.</summary>
    public IEnumerable<(string Topic, DateTimeOffset Watermark)> AdvanceIdle(DateTimeOffset wallNow)
    {
        foreach (var wm in _watermarks.Values) wm.AdvanceIfIdle(wallNow);
        AdvanceClock(wallNow);
        return _watermarks.Where(w => w.Value.Current != DateTimeOffset.MinValue).Select(w => (w.Key, w.Value.Current)).ToList();
    }

    /// <summary>Moves the event-time clock to the watermark, firing the partition's timer if it passes it.</summary>
    public void AdvanceClock(DateTimeOffset wallNow)
    {
        _wallNow = wallNow;
        if (EventTimeMs is { } ms) Clock.AdvanceTo(ms);
    }

    /// <summary>Sets the timer for the earliest customer timer known to be pending, in epoch days (fractional: alert timers fall within days).</summary>
    public void NoteDue(double days) => Clock.WakeAt((long)Math.Ceiling(days * PurchaseDays.DayMs), _markReviewsDue);

    /// <summary>Due timers were fetched: <paramref name="more"/> left for the next flush, and the earliest later one.</summary>
    public void ReviewsFetched(bool more, double? nextAfter)
    {
        ReviewsDue = more;
        FetchedDueSince = DueSince;
        if (!more) DueSince = null;
        Clock.Cancel();
        if (nextAfter is { } next) NoteDue(next);
    }

    /// <summary>A write now builds on <paramref name="next"/>: returns what Redis must hold before it (the previous write's progress).</summary>
    public IReadOnlyDictionary<string, long?> Encoded(IReadOnlyDictionary<string, long> next)
    {
        var expected = next.Keys.ToDictionary(t => t, t => _encodedNext.TryGetValue(t, out var n) ? n : (long?)null, StringComparer.Ordinal);
        foreach (var (topic, offset) in next) _encodedNext[topic] = offset;
        return expected;
    }

    public void MarkCommitted(IReadOnlyDictionary<string, long> next)
    {
        foreach (var (topic, offset) in next) _committedNext[topic] = offset;
    }

    private PartitionWatermark Watermark(string topic, DateTimeOffset wallNow)
    {
        if (!_watermarks.TryGetValue(topic, out var wm))
        {
            wm = new PartitionWatermark(_options.AllowedLateness, _options.IdleAfter);
            wm.Restore(DateTimeOffset.MinValue, wallNow);
            _watermarks[topic] = wm;
        }
        return wm;
    }
}
