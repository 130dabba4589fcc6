using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Configuration;
using Stream.Monitor.Kafka;
using Stream.Monitor.Models;
using Stream.Monitor.Storage;
using Stream.Monitor.Telemetry;
using Stream.Producer;

namespace Stream.Monitor.Ingest;

/// <summary>
/// The consumer loop: one blocking <c>Consume</c> on a dedicated thread; records are grouped by partition
/// number into micro-batches (by count or age); a flush hands the batches to a flush thread, which
/// validates them, applies them to customer states (partitions in parallel) and writes each partition's
/// states to Redis together with its next offsets in one fenced transaction, while the consumer thread
/// takes the next batch. Offsets advance only after that write, so a crash at any instant resumes exactly
/// where the state stands. See docs/adr/0001 and 0005.
/// </summary>
public sealed class IngestLoop(
    IKafkaClientFactory kafka,
    CustomerStateStore store,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<IngestOptions> ingestOptions,
    IngestMetrics metrics,
    IngestStatus status,
    CurrentModel currentModel,
    IOptions<AnalyticsOptions> analytics,
    TimeProvider clock,
    ILogger<IngestLoop> logger)
{
    /// <summary>Most review timers one partition fetches per flush; more wait for the next flush.</summary>
    private const int MaxReviewsPerFlush = 20_000;

    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(1);

    private readonly StreamTopics _topics = kafkaOptions.Value.Topics;
    private readonly IngestOptions _options = ingestOptions.Value;
    private readonly EventReader _reader = new(ingestOptions.Value.Limits);
    private readonly Dictionary<int, OwnedPartition> _owned = [];
    private readonly HashSet<int> _fenced = [];
    // Assigned partition numbers whose claim failed: claimed at the next poll, not only when a record comes,
    // since records already read past would otherwise wait for new traffic to be read again.
    private readonly HashSet<int> _unclaimed = [];
    // When an unclaimed partition is tried again, and the wait after that (it doubles while claims fail).
    private readonly Dictionary<int, (DateTimeOffset At, TimeSpan Backoff)> _claimRetry = [];
    // Back-off after a failure, of the whole loop or of one partition's claim: doubling from the first to the last.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastBackoff = TimeSpan.FromSeconds(10);
    private readonly RecordArena _arena = new();
    private readonly EncodeChunks _chunks = new();
    private IConsumer<RecordBytes, RecordBytes>? _consumer;
    private DeadLetterPublisher? _deadLetters;
    private StatusChangePublisher? _changes;
    private DeliveryTracker? _deliveries;
    // Flights are queued by flushes and completed, in order, by the consumer thread.
    private readonly System.Collections.Concurrent.ConcurrentQueue<Flight> _inFlight = new();
    // The running flush, whether it sealed the arena (it took every partition's records), and the last
    // flight it or an earlier flush sent (flush threads only, one at a time).
    private Task? _flush;
    private bool _flushSealedArena;
    private Flight? _lastFlight;
    // A flush that failed inside a rebalance callback, where nothing may be thrown: the next poll resets.
    private Exception? _failedInCallback;
    private int _pendingRecords;
    private DateTimeOffset _oldestPending;
    // The consumer is behind, so the batch may grow: checked once MaxBatchDelay is up and again at that interval;
    // both reset when a batch starts.
    private bool _catchingUp;
    private DateTimeOffset _backlogCheckedAt;
    private DateTimeOffset _lastIdleTick;

    public void Run(CancellationToken ct)
    {
        metrics.Initialise(_topics);
        var partitions = WaitForTopics(ct);
        if (partitions is null) return;
        status.PartitionCount = partitions.Value;
        store.SetPartitionCountAsync(partitions.Value).GetAwaiter().GetResult();

        using var deliveries = new DeliveryTracker(kafka.CreateProducer());
        _deliveries = deliveries;
        _deadLetters = new DeadLetterPublisher(deliveries, _topics.DeadLetter, kafkaOptions.Value.DeadLetterMaxBytes);
        _changes = new StatusChangePublisher(deliveries, _topics.Changes);
        using var consumer = kafka.CreateConsumer(_arena, b => b
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler(OnRevoked)
            .SetPartitionsLostHandler(OnLost)
            .SetErrorHandler((_, e) => logger.LogWarning("Kafka: {Reason} ({Code})", e.Reason, e.Code)));
        _consumer = consumer;
        consumer.Subscribe(_topics.Inputs);
        status.Running = true;
        logger.LogInformation("Consuming {Topics} as group {Group} ({Partitions} partitions each)",
            string.Join(", ", _topics.Inputs), kafkaOptions.Value.GroupId, partitions);

        var backoff = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (backoff > TimeSpan.Zero) ct.WaitHandle.WaitOne(backoff);
                PollOnce(ct);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Never leave the loop on a failure: drop uncommitted work, resume from Redis, back off.
                metrics.Errors.WithLabels(ex is RedisException or TimeoutException ? "redis" : "pipeline").Inc();
                logger.LogError(ex, "Ingest failed; resuming from the last committed offsets");
                ResetAll();
                backoff = backoff == TimeSpan.Zero ? FirstBackoff : Doubled(backoff);
            }
        }

        try
        {
            FlushAll(_owned.Values.ToList());
            FinishFlush();
            DrainInFlight();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Final flush failed; the next owner resumes from the last committed offsets");
        }
        consumer.Close();
        status.Running = false;
        _owned.Clear();
    }

    private void PollOnce(CancellationToken ct)
    {
        if (_failedInCallback is { } failed)
        {
            _failedInCallback = null;
            throw new InvalidOperationException("A flush failed during a rebalance", failed);
        }
        if (_unclaimed.Count > 0) ClaimUnclaimed();
        // A finished flush is observed here, so its failure surfaces even when no further flush is due.
        if (_flush is { IsCompleted: true }) FinishFlush();
        var now = clock.GetUtcNow();
        // While catching up, a wait as long as MaxBatchDelay with nothing to read means the backlog is gone.
        // A batch that is due waits for the running flush, reading on meanwhile. With nothing to read, a flush or
        // a write still running is looked at again soon: its commit is reported (status, metrics, Kafka offsets)
        // when this thread sees it, which a long idle wait would put off.
        var wait = _pendingRecords > 0 ? Min(_oldestPending + BatchDelay - now, _options.MaxBatchDelay)
            : _flush is null && _inFlight.IsEmpty ? IdlePoll : FlushPoll;
        if (wait <= TimeSpan.Zero && _flush is not null) wait = FlushPoll;
        var record = Consume(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
        ct.ThrowIfCancellationRequested();
        if (record is not null)
        {
            Add(record);
            // Records the client has already fetched are taken in a run, without the checks below (two clock
            // reads among them) for every record; a full batch ends the run.
            for (var n = 1; n < RunRecords && _pendingRecords < _options.MaxBatchRecords && (record = _consumer!.Consume(TimeSpan.Zero)) is not null; n++)
                Add(record);
        }
        else _catchingUp = false;

        now = clock.GetUtcNow();
        var flushing = _flush is { IsCompleted: false };
        // A full batch waits for the running flush; one that is only old enough keeps growing until it ends.
        if (_pendingRecords >= _options.MaxBatchRecords || (_pendingRecords > 0 && !flushing && BatchAgeReached(now)))
            FlushAll(_owned.Values.ToList());
        // Report writes that have finished without waiting for the next flush to need their slot.
        while (_inFlight.TryPeek(out var oldest) && oldest.Written && _inFlight.TryDequeue(out var done)) Complete(done);
        // Partition states belong to the flush while it runs: idle work waits for it.
        if (now - _lastIdleTick >= IdleTick && _flush is null)
        {
            _lastIdleTick = now;
            AdvanceIdleWatermarks(now);
            // Review timers of quiet partitions fire here, without waiting for records.
            if (_owned.Values.Any(p => p.CanFetchReviews)) FlushAll(_owned.Values.ToList());
        }
    }

    /// <summary>
    /// The next record within <paramref name="wait"/>, or null when none came in all of it. <c>Consume</c> does not
    /// see the stop token, and a batch may wait up to a minute (<c>MaxBatchDelay</c>), longer than the host
    /// waits for a stop: so the wait is taken in slices of <see cref="IdlePoll"/>, and a stop ends it at the
    /// next slice, in time for the final flush.
    /// </summary>
    private ConsumeResult<RecordBytes, RecordBytes>? Consume(TimeSpan wait, CancellationToken ct)
    {
        while (true)
        {
            var slice = Min(wait, IdlePoll);
            var record = _consumer!.Consume(slice);
            wait -= slice;
            if (record is not null || wait <= TimeSpan.Zero || ct.IsCancellationRequested) return record;
        }
    }

    /// <summary>Most records one poll takes from what the client has already fetched.</summary>
    private const int RunRecords = 256;

    /// <summary>How long a poll waits for records while a due batch waits for the running flush, or while nothing is pending but a flush or write is running.</summary>
    private static readonly TimeSpan FlushPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a poll waits for records when nothing is pending or running.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private TimeSpan BatchDelay => _catchingUp && _options.CatchUpBatchDelay > _options.MaxBatchDelay ? _options.CatchUpBatchDelay : _options.MaxBatchDelay;

    /// <summary>
    /// Whether the batch is old enough to close: <see cref="IngestOptions.MaxBatchDelay"/>, or the longer
    /// catch-up delay while Kafka still holds at least as many records for this consumer as the batch has.
    /// </summary>
    private bool BatchAgeReached(DateTimeOffset now)
    {
        var age = now - _oldestPending;
        if (age < _options.MaxBatchDelay) return false;
        if (now - _backlogCheckedAt >= _options.MaxBatchDelay)
        {
            _backlogCheckedAt = now;
            _catchingUp = Backlog() >= _pendingRecords;
        }
        return age >= BatchDelay;
    }

    /// <summary>Records Kafka holds for this consumer beyond those taken (librdkafka's cached high watermarks; no request).</summary>
    private long Backlog()
    {
        long backlog = 0;
        foreach (var tp in _consumer!.Assignment)
        {
            var high = _consumer.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset || !_owned.TryGetValue(tp.Partition.Value, out var owner) || owner.TakenNext(tp.Topic) is not { } next) continue;
            backlog += Math.Max(0, high.Value - next);
        }
        return backlog;
    }

    private void Add(ConsumeResult<RecordBytes, RecordBytes> result)
    {
        var owner = _owned.TryGetValue(result.Partition.Value, out var owned) ? owned : EnsureOwned(result.TopicPartition);
        if (owner is null || !owner.Take(ConsumedRecord.From(result, _topics.Canonical(result.Topic)))) return;
        if (status.FirstRecordTimestamp == 0) status.RecordFirstRecord(clock.GetTimestamp());
        if (_pendingRecords++ > 0) return;
        _oldestPending = clock.GetUtcNow();
        _catchingUp = false;
        _backlogCheckedAt = DateTimeOffset.MinValue;
    }

    /// <summary>
    /// The owner of a record's partition number when <see cref="_owned"/> has none: a partition that is
    /// assigned but unclaimed waits for <see cref="ClaimUnclaimed"/>, which rewinds it to its Redis offsets; the
    /// record is dropped because it will be read again.
    /// </summary>
    private OwnedPartition? EnsureOwned(TopicPartition tp)
    {
        var n = tp.Partition.Value;
        if (_fenced.Contains(n) || !_consumer!.Assignment.Contains(tp)) return null;
        _unclaimed.Add(n);
        return null;
    }

    /// <summary>
    /// Claims the partitions whose claim failed, or whose write failed, once their retry is due, and rewinds them to
    /// their Redis offsets. One that fails again waits longer; the others go on meanwhile.
    /// </summary>
    private void ClaimUnclaimed()
    {
        var now = clock.GetUtcNow();
        foreach (var n in _unclaimed.ToList())
        {
            var (at, backoff) = _claimRetry.GetValueOrDefault(n, (DateTimeOffset.MinValue, FirstBackoff));
            if (now < at) continue;
            if (!_consumer!.Assignment.Any(a => a.Partition.Value == n) || _owned.ContainsKey(n))
            {
                _unclaimed.Remove(n);
                _claimRetry.Remove(n);
                continue;
            }
            try
            {
                ClaimAndRewind(n);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Claiming partition {Partition} failed; trying again in {Backoff}", n, backoff);
                PartitionFailed(n);
                RetryClaimLater(n, now);
            }
        }
    }

    /// <summary>
    /// A partition whose write failed starts over from Redis on its own: its uncommitted work is dropped, its
    /// reading paused, and <see cref="ClaimUnclaimed"/> claims it again after a back-off. Other partitions go on.
    /// </summary>
    private void ResetPartition(OwnedPartition p, Exception? cause)
    {
        if (!_owned.TryGetValue(p.Number, out var current) || current != p) return;
        metrics.Errors.WithLabels(cause is RedisException or TimeoutException ? "redis" : "pipeline").Inc();
        logger.LogError(cause, "Partition {Partition} failed to commit; it resumes from its last committed offsets", p.Number);
        PartitionFailed(p.Number);
        _owned.Remove(p.Number);
        _pendingRecords -= p.Batch.Records;
        _unclaimed.Add(p.Number);
        RetryClaimLater(p.Number, clock.GetUtcNow());
        _consumer!.Pause(_consumer.Assignment.Where(a => a.Partition.Value == p.Number));
        status.OwnedPartitions = _owned.Count;
        metrics.PartitionsOwned.Set(_owned.Count);
    }

    /// <summary>The partition's next claim waits its current back-off, and the one after waits twice as long (up to 10 s).</summary>
    private void RetryClaimLater(int n, DateTimeOffset now)
    {
        var backoff = _claimRetry.TryGetValue(n, out var retry) ? retry.Backoff : FirstBackoff;
        _claimRetry[n] = (now + backoff, Doubled(backoff));
    }

    private static TimeSpan Doubled(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LastBackoff.Ticks));

    /// <summary>Claims the partition number and rewinds its assigned topic-partitions to the Redis offsets, reading them again if paused.</summary>
    private void ClaimAndRewind(int n)
    {
        var owner = Claim(n);
        var assigned = _consumer!.Assignment.Where(a => a.Partition.Value == n).ToList();
        _consumer.Resume(assigned);
        foreach (var tp in assigned) _consumer.Seek(new TopicPartitionOffset(tp, StartOffset(owner, tp.Topic)));
    }

    private OwnedPartition Claim(int n)
    {
        var claim = store.ClaimAsync(n).GetAwaiter().GetResult();
        var owner = new OwnedPartition(claim, _options, clock.GetUtcNow());
        _owned[n] = owner;
        _fenced.Remove(n);
        _unclaimed.Remove(n);
        status.OwnedPartitions = _owned.Count;
        metrics.PartitionsOwned.Set(_owned.Count);
        return owner;
    }

    private static Offset StartOffset(OwnedPartition owner, string topic) =>
        owner.CommittedNext.TryGetValue(topic, out var next) ? new Offset(next) : Offset.Beginning;

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<RecordBytes, RecordBytes> consumer, List<TopicPartition> partitions)
    {
        var result = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var group in partitions.GroupBy(p => p.Partition.Value))
        {
            OwnedPartition? owner = null;
            try
            {
                owner = Claim(group.Key);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Left unclaimed: the next poll claims it and rewinds before any of its records is applied.
                logger.LogWarning(ex, "Could not claim partition {Partition} on assignment", group.Key);
                _unclaimed.Add(group.Key);
            }
            foreach (var tp in group)
                result.Add(new TopicPartitionOffset(tp, owner is null ? Offset.Unset : StartOffset(owner, tp.Topic)));
        }
        logger.LogInformation("Assigned partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value).Distinct().Order()));
        return result;
    }

    private void OnRevoked(IConsumer<RecordBytes, RecordBytes> consumer, List<TopicPartitionOffset> partitions)
    {
        var numbers = partitions.Select(p => p.Partition.Value).ToHashSet();
        var leaving = _owned.Values.Where(o => numbers.Contains(o.Number)).ToList();
        try
        {
            FlushAll(leaving);
            FinishFlush();
            DrainInFlight();
        }
        catch (Exception ex)
        {
            // The flush may have held partitions this instance keeps: they start over from Redis too.
            logger.LogWarning(ex, "Flush on revocation failed; the next owner resumes from the last committed offsets");
            _failedInCallback = ex;
        }
        Drop(numbers);
        logger.LogInformation("Revoked partitions {Partitions}", string.Join(",", numbers.Order()));
    }

    private void OnLost(IConsumer<RecordBytes, RecordBytes> consumer, List<TopicPartitionOffset> partitions)
    {
        try
        {
            FinishFlush();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Flush failed while partitions were lost");
            _failedInCallback = ex;
        }
        Drop(partitions.Select(p => p.Partition.Value).ToHashSet());
        logger.LogWarning("Lost partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value).Distinct().Order()));
    }

    private void Drop(IReadOnlySet<int> numbers)
    {
        foreach (var n in numbers)
        {
            if (_owned.Remove(n, out var owner)) _pendingRecords -= owner.Batch.Records;
            _fenced.Remove(n);
            _unclaimed.Remove(n);
            _claimRetry.Remove(n);
            _deadLetters?.Forget(n);
            ClearFailures(n);
        }
        status.OwnedPartitions = _owned.Count;
        metrics.PartitionsOwned.Set(_owned.Count);
    }

    /// <summary>After a failure: forget everything uncommitted and re-claim, so processing restarts from Redis.</summary>
    private void ResetAll()
    {
        try
        {
            FinishFlush();
        }
        catch (Exception ex)
        {
            // Often why we are here; what it did not commit is read again.
            logger.LogDebug(ex, "The flush running at the reset failed");
        }
        var numbers = _owned.Keys.ToList();
        _owned.Clear();
        _failedInCallback = null;
        // Writes still in flight were sent before the re-claim below on the same connection, so the claim
        // reads the progress they made (or not) consistently; their outcome no longer matters here.
        _inFlight.Clear();
        _lastFlight = null;
        _arena.Recycle();
        _pendingRecords = 0;
        foreach (var n in numbers)
        {
            try
            {
                ClaimAndRewind(n);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Re-claiming partition {Partition} failed; will retry at the next poll", n);
                _owned.Remove(n);
                _unclaimed.Add(n);
            }
        }
    }

    /// <summary>
    /// Closes the batches of <paramref name="partitions"/> and hands them to a flush thread (after the
    /// previous flush has finished), which reads their records, loads the customers they need, applies and
    /// reviews, makes sure dead letters and status changes are delivered, and sends each partition's states
    /// with its offsets in one fenced write. The consumer thread goes on taking records meanwhile; the writes
    /// complete while later batches are taken.
    /// </summary>
    private void FlushAll(List<OwnedPartition> partitions)
    {
        FinishFlush();
        var work = partitions.Where(p => p.HasTaken || p.CanFetchReviews).ToList();
        if (work.Count == 0) return;
        foreach (var p in work) p.Detach();
        _pendingRecords -= work.Sum(p => p.Flushing.Records);
        var owned = _owned.Values.ToList();
        // The arena's chunks so far can be reused after this flush only if no partition keeps records in them.
        _flushSealedArena = !owned.Any(p => p.HasTaken);
        if (_flushSealedArena) _arena.Seal();
        var now = clock.GetUtcNow();
        // A thread of its own: the flush blocks on Redis, whose completions need the thread pool.
        _flush = Task.Factory.StartNew(() => Flush(work, owned, now), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits for the running flush, if any; its failure is thrown here.</summary>
    private void FinishFlush()
    {
        if (_flush is not { } flush) return;
        _flush = null;
        try
        {
            flush.GetAwaiter().GetResult();
        }
        finally
        {
            // Its records were read (or will be read again from Kafka after a failure).
            if (_flushSealedArena) _arena.ReleaseOldest();
        }
    }

    /// <summary>The flush thread's part of <see cref="FlushAll"/>; it alone touches these partitions' states meanwhile.</summary>
    private void Flush(List<OwnedPartition> work, List<OwnedPartition> owned, DateTimeOffset now)
    {
        // Caches are the flush's side of every partition (the consumer thread never touches them). A customer
        // dropped from one is read back from Redis when its next events come, so the write that last changed it
        // must have landed by then: the previous flush's writes wait for its Kafka deliveries and may still be
        // pending, so trimming waits for them (only when over the limit).
        if (owned.Sum(o => o.CachedCustomers) > _options.MaxCachedCustomers)
        {
            _lastFlight?.WaitCompleted();
            foreach (var o in owned) o.TrimCache();
        }

        // Partitions share nothing while they are read, applied, reviewed and encoded, so that runs on every core.
        // The customers the records name are loaded first, so each event is applied as it is parsed.
        Parallel.ForEach(work, p => p.QueueLoads());
        var keyed = Load(work);
        Parallel.ForEach(work, p =>
        {
            if (keyed.TryGetValue(p, out var load)) p.CompleteLoading(load.Result);
            p.ReadTaken(_reader, _topics, _deadLetters!, now);
        });

        // Review timers that event time has reached, loaded with the customers this batch waits for. The previous
        // flush's writes may still wait for their Kafka deliveries: a timer they set is then missed by this fetch
        // and found by a later one (reviews walk the due days, so changes keep their event-time days).
        var fetching = work.Where(p => p.CanFetchReviews)
            .Select(p => (Owner: p, Fetch: store.FetchDueAsync(p.Number, p.EventDay!.Value, MaxReviewsPerFlush))).ToList();
        Task.WaitAll(fetching.Select(f => (Task)f.Fetch).ToArray());
        foreach (var (owner, fetch) in fetching)
        {
            var (due, more, nextAfter) = fetch.Result;
            owner.ReviewsDue = more;
            owner.Clock.Cancel();
            if (nextAfter is { } next) owner.NoteDue(next);
            owner.RequestReviews(due);
        }

        // Customers whose timers are due, and any an event named that its record key did not.
        var loading = Load(work);

        var model = currentModel.Model;
        var perPartition = new (List<StatusChange> Changes, SealedBatch Batch)[work.Count];
        Parallel.For(0, work.Count, i =>
        {
            var p = work[i];
            if (loading.TryGetValue(p, out var load)) p.CompleteLoading(load.Result);
            p.ApplyRead();
            var changed = new List<StatusChange>();
            var (byEvent, byTimer) = p.Review(model, analytics.Value, changed);
            p.Flushing.Reviews[0] += byEvent;
            p.Flushing.Reviews[1] += byTimer;
            // Each customer's changes stay in order: they are all found here, by this partition's one thread.
            foreach (var change in changed) _changes!.Publish(change);
            perPartition[i] = (changed, p.Seal(store.Keys, _chunks));
        });
        var changes = perPartition.SelectMany(x => x.Changes).ToList();
        // Dead letters and changes are delivered before the batch that found them commits: at least once,
        // never lost. The flush does not wait for that; the writes wait for the deliveries.
        var delivered = _deliveries!.DeliveredAsync();

        // Writes go out in flush order (each builds on the offsets the previous one wrote), so the previous
        // flush's writes finish first; they normally have by now. One that failed makes its partition's write here
        // find Redis without the progress it builds on, and Complete starts that partition over.
        _lastFlight?.WaitCompleted();
        var writes = new List<(SealedBatch, Task<CommitOutcome>)>(work.Count);
        foreach (var (_, batch) in perPartition) writes.Add((batch, TimedCommit(batch, delivered)));
        _lastFlight = new Flight(writes, changes);
        _inFlight.Enqueue(_lastFlight);

        metrics.CustomersCached.Set(owned.Sum(o => o.CachedCustomers));
    }

    /// <summary>Reads the states of the customers the partitions queued for loading, one round for all.</summary>
    private Dictionary<OwnedPartition, Task<CustomerState?[]>> Load(List<OwnedPartition> work)
    {
        var loading = work.Where(p => p.Loading.Count > 0)
            .ToDictionary(p => p, p => store.LoadAsync(p.Number, p.Loading.Select(e => e.CustomerId).ToList()));
        Task.WaitAll(loading.Values.ToArray());
        return loading;
    }

    private async Task<CommitOutcome> TimedCommit(SealedBatch batch, Task delivered)
    {
        await delivered.WaitAsync(DeliveryTimeout);
        var started = clock.GetTimestamp();
        var committed = await store.CommitAsync(batch.Owner.Number, batch.Owner.Epoch, batch.ExpectedOffsets, batch.States, batch.Progress, batch.Due);
        metrics.RedisWrite.Observe(clock.GetElapsedTime(started).TotalSeconds);
        // Acknowledged, so the request was sent whole. A failed write keeps its chunks: after a timeout the
        // client may still send it, and a reused chunk would then write another batch's bytes.
        _chunks.Return(batch.Chunks);
        return committed;
    }

    /// <summary>Completes every flight queued so far; call after <see cref="FinishFlush"/>.</summary>
    private void DrainInFlight()
    {
        while (_inFlight.TryDequeue(out var flight)) Complete(flight);
    }

    /// <summary>
    /// Waits for one flush's writes and reports them; a partition whose write failed, or found Redis without the
    /// progress it builds on, starts over from Redis by itself (<see cref="ResetPartition"/>).
    /// </summary>
    private void Complete(Flight flight)
    {
        flight.WaitCompleted();
        metrics.RecordChanges(flight.Changes);
        status.RecordChanges(flight.Changes.Count);
        var committedAt = clock.GetUtcNow();
        var assignment = _consumer!.Assignment;
        foreach (var (batch, write) in flight.Writes)
        {
            var p = batch.Owner;
            if (!_owned.TryGetValue(p.Number, out var current) || current != p) continue;
            if (write.IsFaulted)
            {
                ResetPartition(p, write.Exception?.InnerException);
                continue;
            }
            if (write.Result == CommitOutcome.OutOfSequence)
            {
                // An earlier write of this partition was lost (say Redis died mid-flight): start over from Redis.
                ResetPartition(p, new InvalidOperationException($"partition {p.Number}: Redis does not hold the progress this batch builds on"));
                continue;
            }
            if (write.Result == CommitOutcome.Fenced)
            {
                // Another instance claimed this partition number: it owns the truth now.
                metrics.Fenced.Inc();
                logger.LogWarning("Partition {Partition} was taken over by another instance; dropping its uncommitted work", p.Number);
                _pendingRecords -= p.Batch.Records;
                _owned.Remove(p.Number);
                _fenced.Add(p.Number);
                _deadLetters!.Forget(p.Number);
                continue;
            }
            p.MarkCommitted(batch.Next);
            ClearFailures(p.Number);
            _claimRetry.Remove(p.Number);
            _deadLetters!.Committed(p.Number, batch.Next);
            metrics.BatchRecords.Observe(batch.Outcome.Records);
            StoreKafkaOffsets(p.Number, batch.Next);
            Report(batch.Outcome, committedAt);
            UpdateLag(p, assignment);
        }
        status.OwnedPartitions = _owned.Count;
        metrics.PartitionsOwned.Set(_owned.Count);
    }

    private void PartitionFailed(int partition) =>
        metrics.PartitionFailures.WithLabels(PartitionLabel(partition)).Set(status.RecordPartitionFailure(partition));

    private void ClearFailures(int partition)
    {
        if (status.ClearPartitionFailures(partition)) metrics.PartitionFailures.WithLabels(PartitionLabel(partition)).Set(0);
    }

    private static string PartitionLabel(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void StoreKafkaOffsets(int partition, IReadOnlyDictionary<string, long> next)
    {
        foreach (var (topic, offset) in next)
        {
            try
            {
                _consumer!.StoreOffset(new TopicPartitionOffset(topic, partition, offset));
            }
            catch (KafkaException)
            {
                // Not assigned any more: Kafka's offsets are informational, Redis has the real ones.
            }
        }
    }

    private void Report(BatchOutcome outcome, DateTimeOffset committedAt)
    {
        foreach (var type in EventTypes.All)
        {
            if (outcome.Applied[(int)type] > 0) metrics.Consumed.WithLabels(_topics.For(type.Kind()), type.WireName()).Inc(outcome.Applied[(int)type]);
        }
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var topic = _topics.For(kind);
            foreach (var reason in RejectReasons.All)
            {
                var n = outcome.Rejected[(int)kind, (int)reason];
                if (n > 0) metrics.Invalid.WithLabels(topic, reason.WireName()).Inc(n);
            }
            if (outcome.Duplicates[(int)kind] > 0) metrics.Duplicates.WithLabels(topic).Inc(outcome.Duplicates[(int)kind]);
            if (outcome.Late[(int)kind] > 0) metrics.Late.WithLabels(topic).Inc(outcome.Late[(int)kind]);
            if (outcome.DedupeEvictions[(int)kind] > 0) metrics.DedupeEvictions.WithLabels(topic).Inc(outcome.DedupeEvictions[(int)kind]);
        }
        var nowMs = committedAt.ToUnixTimeMilliseconds();
        foreach (var (occurredAtMs, recordAtMs) in outcome.Latencies)
        {
            metrics.EventLatency.Observe((nowMs - occurredAtMs) / 1000d);
            metrics.PipelineLatency.Observe(Math.Max(0, nowMs - recordAtMs) / 1000d);
        }
        status.RecordReviews(outcome.Reviews[0] + outcome.Reviews[1]);
        if (outcome.Reviews[0] > 0) metrics.Reviews.WithLabels("event").Inc(outcome.Reviews[0]);
        if (outcome.Reviews[1] > 0) metrics.Reviews.WithLabels("timer").Inc(outcome.Reviews[1]);
        metrics.Batches.Inc();
        status.RecordCommit(outcome.AppliedTotal, outcome.RejectedTotal, committedAt);
    }

    private void UpdateLag(OwnedPartition p, List<TopicPartition> assignment)
    {
        foreach (var tp in assignment.Where(a => a.Partition.Value == p.Number))
        {
            var high = _consumer!.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset) continue;
            metrics.Lag.WithLabels(tp.Topic, p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set(Math.Max(0, high.Value - (p.CommittedNext.TryGetValue(tp.Topic, out var c) ? c : 0)));
        }
    }

    private void AdvanceIdleWatermarks(DateTimeOffset now)
    {
        foreach (var p in _owned.Values)
        {
            // Records waiting to be read are activity: the flush moves the watermark with them.
            if (p.HasTaken) continue;
            foreach (var (topic, wm) in p.Watermarks)
            {
                wm.AdvanceIfIdle(now);
                if (wm.Current != DateTimeOffset.MinValue)
                    metrics.Watermark.WithLabels(topic, p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .Set(wm.Current.ToUnixTimeMilliseconds() / 1000d);
            }
            p.AdvanceClock();
        }
    }

    /// <summary>
    /// Waits until every input topic exists; returns their common partition count, or null when stopping.
    /// Unequal counts would split a customer's events across owners, so they stop the monitor.
    /// </summary>
    private int? WaitForTopics(CancellationToken ct)
    {
        using var admin = kafka.CreateAdmin();
        while (!ct.IsCancellationRequested)
        {
            var counts = new Dictionary<string, int>();
            foreach (var topic in _topics.Inputs)
            {
                try
                {
                    var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.SingleOrDefault(t => t.Topic == topic);
                    if (meta is { Error.IsError: false } && meta.Partitions.Count > 0) counts[topic] = meta.Partitions.Count;
                }
                catch (KafkaException ex)
                {
                    logger.LogWarning("Metadata for {Topic} unavailable: {Reason}", topic, ex.Error.Reason);
                }
            }
            if (counts.Count == _topics.Inputs.Count)
            {
                if (counts.Values.Distinct().Count() == 1) return counts.Values.First();
                var message = "Input topics must have equal partition counts so that a customer's events meet in one owner: "
                    + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));
                status.FatalError = message;
                throw new InvalidOperationException(message);
            }
            logger.LogWarning("Waiting for topics {Missing}", string.Join(", ", _topics.Inputs.Except(counts.Keys)));
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
        }
        return null;
    }
}

/// <summary>One flush's writes (one per partition, each after the flush's deliveries) and the changes it published.</summary>
internal sealed record Flight(List<(SealedBatch Batch, Task<CommitOutcome> Write)> Writes, IReadOnlyList<StatusChange> Changes)
{
    public bool Written => Writes.TrueForAll(w => w.Write.IsCompleted);

    /// <summary>Blocks until every write has finished, failed or not; <see cref="IngestLoop"/> looks at each.</summary>
    public void WaitCompleted()
    {
        try
        {
            Task.WaitAll(Writes.Select(w => (Task)w.Write).ToArray());
        }
        catch (AggregateException)
        {
            // Each write's failure is read from the write itself.
        }
    }
}
