using System.Runtime.InteropServices;
using Confluent.Kafka;
using StackExchange.Redis;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Core.Time;
using Stream.Monitor.Configuration;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;
using Stream.Producer;

namespace Stream.Monitor.Ingest;

/// <summary>
/// One partition number (across all input topics) owned by this instance: its fencing epoch, cached
/// customer states, the batch being built and per-topic progress. The consumer thread takes its records
/// (<see cref="Take"/>) and, at a flush, hands them over (<see cref="Detach"/>) and goes on taking. The flush
/// then reads them (<see cref="ReadTaken"/>), applying events of cached customers at once, loads the
/// customers not cached and applies their events in arrival order (<see cref="ApplyRead"/>), reviews and
/// seals. Two sides, then: what <see cref="Take"/> touches belongs to the consumer thread; everything else
/// belongs to the flush while one runs, and to the consumer thread otherwise. Partitions share nothing, so
/// a flush works on all of them in parallel, one thread per partition at a time.
/// </summary>
internal sealed class OwnedPartition
{
    private readonly IngestOptions _options;
    private readonly Dictionary<string, CustomerEntry> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _consumedNext = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sealedNext = new(StringComparer.Ordinal);
    private List<ConsumedRecord> _taken = [];
    private List<ConsumedRecord> _reading = [];
    // Per record being read, the cache entry its key names (null for a key that cannot be a customerId).
    private readonly List<CustomerEntry?> _keyed = [];
    // The offsets the detached batch reaches: what its seal writes.
    private Dictionary<string, long> _flushNext = new(StringComparer.Ordinal);
    // Events waiting for their customer's state to load.
    private readonly List<(CustomerEntry Entry, EventFacts Event, long RecordAtMs)> _read = [];
    // Cleared, not replaced, after each batch: they keep their capacity for the next.
    private readonly List<CustomerEntry> _dirty = [];
    private readonly List<CustomerEntry> _loading = [];
    private readonly List<CustomerEntry> _due = [];
    private List<(string CustomerId, int Day)> _dueUpdates = [];
    private readonly Action _markReviewsDue;

    public OwnedPartition(PartitionClaim claim, IngestOptions options, DateTimeOffset wallNow)
    {
        _options = options;
        _markReviewsDue = () => ReviewsDue = true;
        Number = claim.Partition;
        Epoch = claim.Epoch;
        foreach (var (topic, next) in claim.NextOffsets) CommittedNext[topic] = _consumedNext[topic] = _sealedNext[topic] = next;
        foreach (var (topic, ms) in claim.WatermarksMs)
            Watermark(topic, wallNow).Restore(DateTimeOffset.FromUnixTimeMilliseconds(ms), wallNow);
    }

    public int Number { get; }
    public long Epoch { get; }
    public int CachedCustomers => _cache.Count;

    /// <summary>The batch being taken (the consumer thread's side): its records so far.</summary>
    public BatchOutcome Batch { get; private set; } = new();

    /// <summary>The batch being flushed: counts for metrics, reported once it is committed.</summary>
    public BatchOutcome Flushing { get; private set; } = new();

    /// <summary>Next offset per topic as last committed to Redis.</summary>
    public Dictionary<string, long> CommittedNext { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PartitionWatermark> Watermarks { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<CustomerEntry> Loading => _loading;

    /// <summary>Event time as the review timers see it: the earliest of the topics' watermarks.</summary>
    public EventTimeClock Clock { get; } = new();

    /// <summary>Reviews may be due in Redis: the next flush fetches them. True after a claim, so the first flush finds what is pending.</summary>
    public bool ReviewsDue { get; set; } = true;

    /// <summary>Reviews may be due and event time is known, so the next flush can fetch them.</summary>
    public bool CanFetchReviews => ReviewsDue && EventDay is not null;

    /// <summary>The partition's event-time day (earliest topic watermark); null before any event.</summary>
    public int? EventDay
    {
        get
        {
            var earliest = DateTimeOffset.MaxValue;
            foreach (var wm in Watermarks.Values)
            {
                if (wm.Current != DateTimeOffset.MinValue && wm.Current < earliest) earliest = wm.Current;
            }
            return earliest == DateTimeOffset.MaxValue ? null : PurchaseDays.DayNumber(earliest.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Moves the event-time clock to the watermark's day.</summary>
    public void AdvanceClock()
    {
        if (EventDay is { } day) Clock.AdvanceTo(day);
    }

    /// <summary>Sets the timer for the earliest review known to be pending.</summary>
    public void NoteDue(int day) => Clock.WakeAt(day, _markReviewsDue);

    /// <summary>Asks for the review of customers whose timers are due (loading those not cached).</summary>
    public void RequestReviews(IReadOnlyList<string> customerIds)
    {
        foreach (var id in customerIds)
        {
            var entry = Entry(id);
            if (entry.ReviewDue) continue;
            entry.ReviewDue = true;
            _due.Add(entry);
        }
    }

    public PartitionWatermark Watermark(string topic, DateTimeOffset wallNow)
    {
        if (!Watermarks.TryGetValue(topic, out var wm))
        {
            wm = new PartitionWatermark(_options.AllowedLateness, _options.IdleAfter);
            wm.Restore(DateTimeOffset.MinValue, wallNow);
            Watermarks[topic] = wm;
        }
        return wm;
    }

    /// <summary>
    /// Takes a record into the batch, to be read at the flush; false for one at or before what was already
    /// taken (a re-read after a seek). All the consumer thread does per record.
    /// </summary>
    public bool Take(in ConsumedRecord record)
    {
        ref var next = ref CollectionsMarshal.GetValueRefOrAddDefault(_consumedNext, record.Topic, out _);
        if (record.Offset < next) return false;
        next = record.Offset + 1;
        Batch.Records++;
        _taken.Add(record);
        return true;
    }

    /// <summary>The offset after the last record taken from <paramref name="topic"/>; null before any.</summary>
    public long? TakenNext(string topic) => _consumedNext.TryGetValue(topic, out var next) ? next : null;

    /// <summary>Whether records were taken since the last flush took them over.</summary>
    public bool HasTaken => _taken.Count > 0;

    /// <summary>
    /// Hands the records taken so far, their counts and the offsets they reach over to a flush; taking goes on
    /// into a new batch. Consumer thread, while no flush runs.
    /// </summary>
    public void Detach()
    {
        (_reading, _taken) = (_taken, _reading);
        Flushing = Batch;
        Batch = new BatchOutcome();
        _flushNext = new Dictionary<string, long>(_consumedNext, StringComparer.Ordinal);
    }

    /// <summary>
    /// Queues for loading the customers of the taken records that are not cached, found by record key (a valid
    /// event's key is its customerId, ASCII by contract), so that <see cref="ReadTaken"/> finds their states
    /// loaded and applies every event as it parses it. Parsed events that waited for loads were most of what
    /// young collections promoted during a large batch. A key that cannot be a customerId queues nothing.
    /// Each record's entry is kept for <see cref="ReadTaken"/>, which then looks nothing up again and gives the
    /// event the entry's id string instead of parsing a new one.
    /// </summary>
    public void QueueLoads()
    {
        var cache = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> id = stackalloc char[EventReader.MaxCustomerIdLength];
        _keyed.Clear();
        _keyed.EnsureCapacity(_reading.Count);
        foreach (ref readonly var record in CollectionsMarshal.AsSpan(_reading))
        {
            var key = record.Key.Span;
            if (key.IsEmpty || key.Length > id.Length
                || System.Text.Ascii.ToUtf16(key, id, out var length) != System.Buffers.OperationStatus.Done)
            {
                _keyed.Add(null);
                continue;
            }
            if (!cache.TryGetValue(id[..length], out var entry))
            {
                entry = new CustomerEntry(new string(id[..length]));
                _cache.Add(entry.CustomerId, entry);
                _loading.Add(entry);
            }
            _keyed.Add(entry);
        }
    }

    /// <summary>
    /// Reads and validates the taken records in arrival order: invalid ones go to the dead-letter topic,
    /// valid ones move the watermarks and are applied if their customer's state is cached, which after
    /// <see cref="QueueLoads"/> and <see cref="CompleteLoading"/> is every valid event's; any other waits for
    /// <see cref="ApplyRead"/> and its customer is queued for loading. A customer's events are either all
    /// applied here or all wait, so each customer's stay in order. Applying at once keeps a large batch's
    /// parsed events from living until loads return (they would outlive young collections).
    /// <paramref name="wallNow"/> is the flush's clock, which the watermarks take as the arrival time (a
    /// record waits at most its batch's delay and the previous flush).
    /// </summary>
    public void ReadTaken(EventReader reader, StreamTopics topics, DeadLetterPublisher deadLetters, DateTimeOffset wallNow)
    {
        Flushing.Latencies.EnsureCapacity(_reading.Count);
        // Entries by key, when QueueLoads ran for these records.
        var keyed = _keyed.Count == _reading.Count ? CollectionsMarshal.AsSpan(_keyed) : default;
        for (var i = 0; i < _reading.Count; i++)
        {
            var record = _reading[i];
            var kind = topics.KindOf(record.Topic)!.Value;
            var recordTime = record.Timestamp.Type == TimestampType.NotAvailable ? wallNow : new DateTimeOffset(record.Timestamp.UtcDateTime);
            var byKey = keyed.IsEmpty ? null : keyed[i];
            var result = record.ReadFacts(reader, kind, recordTime, byKey?.CustomerId);
            if (!result.IsValid)
            {
                deadLetters.Publish(record, result.Reason, result.Detail);
                Flushing.Rejected[(int)kind, (int)result.Reason]++;
                continue;
            }
            var ev = result.Facts;
            if (Watermark(record.Topic, wallNow).Observe(ev.OccurredAt, wallNow)) Flushing.Late[(int)kind]++;
            // A valid event's customerId is its key, so the entry found by key is normally its customer's.
            var entry = byKey is not null && ReferenceEquals(byKey.CustomerId, ev.CustomerId) ? byKey : Entry(ev.CustomerId);
            var recordAtMs = recordTime.ToUnixTimeMilliseconds();
            if (entry.State is not null) Apply(entry, ev, recordAtMs);
            else _read.Add((entry, ev, recordAtMs));
        }
        _reading.Clear();
        _keyed.Clear();
        AdvanceClock();
    }

    /// <summary>The cache entry of <paramref name="customerId"/>, queued for loading when new.</summary>
    private CustomerEntry Entry(string customerId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_cache, customerId, out var exists);
        if (!exists)
        {
            entry = new CustomerEntry(customerId);
            _loading.Add(entry);
        }
        return entry!;
    }

    /// <summary>Installs states read from Redis (null: none stored) for the customers queued for loading.</summary>
    public void CompleteLoading(CustomerState?[] states)
    {
        for (var i = 0; i < _loading.Count; i++) _loading[i].State = states[i] ?? new CustomerState();
        _loading.Clear();
    }

    /// <summary>Applies the events <see cref="ReadTaken"/> left waiting for loads, in arrival order. Call after <see cref="CompleteLoading"/>.</summary>
    public void ApplyRead()
    {
        foreach (var (entry, ev, recordAtMs) in _read) Apply(entry, ev, recordAtMs);
        _read.Clear();
    }

    private void Apply(CustomerEntry entry, in EventFacts ev, long recordAtMs)
    {
        if (entry.State!.Apply(ev, _options.Dedupe, out var evicted))
        {
            if (evicted) Flushing.DedupeEvictions[(int)ev.Kind]++;
            if (!entry.Dirty)
            {
                entry.Dirty = true;
                _dirty.Add(entry);
            }
            Flushing.Applied[(int)ev.Type]++;
            Flushing.Latencies.Add((ev.OccurredAt.ToUnixTimeMilliseconds(), recordAtMs));
        }
        else
        {
            Flushing.Duplicates[(int)ev.Kind]++;
        }
    }

    /// <summary>
    /// Reviews, after <see cref="CompleteLoading"/>, every customer changed by events in this batch (as of its
    /// latest event) and every customer whose review timer is due (as of each due day up to the partition's
    /// event day, in order). Status changes go to <paramref name="changes"/>; new review days are written
    /// with the batch and the earliest sets the partition timer.
    /// </summary>
    public (int ByEvent, int ByTimer) Review(PopulationModel? model, AnalyticsOptions options, List<StatusChange> changes)
    {
        var today = EventDay;
        var touched = _dirty.Count;
        int byEvent = 0, byTimer = 0;
        for (var i = 0; i < touched; i++)
        {
            if (ReviewCustomer(_dirty[i], touched: true, today, model, options, changes)) byEvent++;
        }
        foreach (var entry in _due)
        {
            entry.ReviewDue = false;
            // Customers with events this batch were reviewed above.
            if (!entry.Dirty && ReviewCustomer(entry, touched: false, today, model, options, changes)) byTimer++;
        }
        _due.Clear();
        return (byEvent, byTimer);
    }

    private bool ReviewCustomer(CustomerEntry entry, bool touched, int? today, PopulationModel? model, AnalyticsOptions o, List<StatusChange> changes)
    {
        var s = entry.State!;
        if (s.EventCount == 0) return false;
        var review = s.Review;
        var lastDay = PurchaseDays.DayNumber(s.LastEventAtMs);
        int asOf;
        if (touched || !review.Exists) asOf = review.Exists ? Math.Max(lastDay, review.ReviewedDay) : lastDay;
        else if (today is { } t && review.NextReviewDay <= t) asOf = review.NextReviewDay;
        else
        {
            // The timer fired before the review is due (events moved the review later): set it for the review.
            if (review.TimerDay != review.NextReviewDay) Update(entry, review with { TimerDay = review.NextReviewDay });
            return false;
        }

        var previous = CustomerStatus.Unpack(review.StatusCode);
        // Walk the due days one by one, so a silent customer's changes carry the day they happened.
        for (var steps = 0; ; steps++)
        {
            var status = CustomerReview.Status(s, asOf, model, o);
            StatusChange.Diff(entry.CustomerId, previous, status, asOf, s, model, o, changes);
            previous = status;
            // Up to today the model is fixed, so only real change days are stops; beyond it the usual interval holds.
            var horizon = today is { } t0 && t0 > asOf ? t0 - asOf + o.MaxReviewDays : o.MaxReviewDays;
            review = new ReviewRecord(status.Pack(), asOf, CustomerReview.NextReviewDay(s, asOf, model, o, horizon));
            if (today is not { } day || review.NextReviewDay > day || steps >= MaxReviewSteps) break;
            asOf = review.NextReviewDay;
        }
        review = review.WithTimerAfter(s.Review.Exists ? s.Review.TimerDay : null, today);
        if (review != s.Review) Update(entry, review);
        return true;
    }

    /// <summary>Records a new review (and its timer, when that moved) to be written with the batch.</summary>
    private void Update(CustomerEntry entry, ReviewRecord review)
    {
        var s = entry.State!;
        if (!s.Review.Exists || review.TimerDay != s.Review.TimerDay)
        {
            _dueUpdates.Add((entry.CustomerId, review.TimerDay));
            NoteDue(review.TimerDay);
        }
        s.Review = review;
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
        }
    }

    /// <summary>Bounds one customer's catch-up in one flush; the rest follows at the next.</summary>
    private const int MaxReviewSteps = 1_000;

    /// <summary>
    /// Closes the flushed batch: encodes the changed states and the progress to write with them (the offsets
    /// it was detached at). Call only after <see cref="CompleteLoading"/>.
    /// </summary>
    public SealedBatch Seal(RedisKeys keys, EncodeChunks chunks)
    {
        var states = new KeyValuePair<RedisKey, RedisValue>[_dirty.Count];
        var rented = new List<byte[]>();
        byte[]? chunk = null;
        var position = 0;
        Span<byte> buffer = stackalloc byte[CustomerStateCodec.MaxSize];
        for (var i = 0; i < _dirty.Count; i++)
        {
            var entry = _dirty[i];
            entry.Dirty = false;
            var length = CustomerStateCodec.Encode(entry.State!, buffer);
            if (chunk is null || chunk.Length - position < length)
            {
                chunk = chunks.Rent();
                rented.Add(chunk);
                position = 0;
            }
            buffer[..length].CopyTo(chunk.AsSpan(position));
            states[i] = new(entry.Key ??= keys.Customer(Number, entry.CustomerId), new ReadOnlyMemory<byte>(chunk, position, length));
            position += length;
        }
        var progress = new List<HashEntry>(_flushNext.Count + Watermarks.Count);
        foreach (var (topic, next) in _flushNext) progress.Add(new HashEntry(RedisKeys.OffsetField(topic), next));
        foreach (var (topic, wm) in Watermarks)
        {
            if (wm.Current != DateTimeOffset.MinValue)
                progress.Add(new HashEntry(RedisKeys.WatermarkField(topic), wm.Current.ToUnixTimeMilliseconds()));
        }
        // What Redis must hold before this batch applies: the progress the previous sealed batch wrote.
        var expected = _flushNext.Keys.ToDictionary(t => t, t => _sealedNext.TryGetValue(t, out var n) ? n : (long?)null, StringComparer.Ordinal);
        foreach (var (topic, next) in _flushNext) _sealedNext[topic] = next;
        var sealedBatch = new SealedBatch(this, expected, states, rented, [.. progress], _flushNext, Flushing, _dueUpdates);
        _dirty.Clear();
        _dueUpdates = [];
        Flushing = new BatchOutcome();
        return sealedBatch;
    }

    public void MarkCommitted(IReadOnlyDictionary<string, long> next)
    {
        foreach (var (topic, offset) in next) CommittedNext[topic] = offset;
    }

    /// <summary>
    /// Forgets clean, loaded states to bound memory; dirty or loading entries stay. Call only once every write
    /// sealed so far is acknowledged: a forgotten customer is read back from Redis, which must hold its last state.
    /// </summary>
    public void TrimCache()
    {
        foreach (var (id, entry) in _cache)
        {
            if (entry.State is not null && !entry.Dirty && !entry.ReviewDue) _cache.Remove(id);
        }
    }
}

/// <summary>
/// A batch ready to write: encoded states (slices of <see cref="Chunks"/>, reusable once the write is
/// acknowledged), progress, and the counts to report once written.
/// </summary>
internal sealed record SealedBatch(
    OwnedPartition Owner,
    IReadOnlyDictionary<string, long?> ExpectedOffsets,
    KeyValuePair<RedisKey, RedisValue>[] States,
    IReadOnlyList<byte[]> Chunks,
    HashEntry[] Progress,
    IReadOnlyDictionary<string, long> Next,
    BatchOutcome Outcome,
    IReadOnlyList<(string CustomerId, int Day)> Due);
