using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Stream.Kafka;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest.Flush;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest;

/// <summary>
/// The consumer thread: one blocking <c>Consume</c>; each record is taken into its partition's batch
/// (<see cref="BatchIntake"/>); when <see cref="BatchPolicy"/> closes the batches, <see cref="FlushPipeline"/> flushes
/// them on a thread of its own while this thread takes the next; each finished write is reported here, where
/// Kafka's callbacks also run (<see cref="PartitionOwnership"/>). Offsets advance only with the state they
/// produced, in one fenced Redis write, so a crash at any instant resumes exactly where the state stands.
/// See docs/adr/0001 and 0005.
/// </summary>
internal sealed class IngestLoop
{
    private readonly IKafkaClientFactory _kafka;
    private readonly PartitionOwnership _ownership;
    private readonly FlushPipeline _flushes;
    private readonly BatchPolicy _batching;
    private readonly IngestReporter _reporter;
    private readonly StreamTopics _topics;
    private readonly IngestOptions _options;
    private readonly RecordArena _arena = new();
    private IConsumer<RecordBytes, RecordBytes>? _consumer;
    // Whether the flush running took every partition's records, so the arena's chunks until then can be reused after it.
    private bool _flushSealedArena;
    // A flush that failed inside a rebalance callback, where nothing may be thrown: the next poll starts over.
    private Exception? _failedInCallback;

    public IngestLoop(IKafkaClientFactory kafka, PartitionOwnership ownership, FlushPipeline flushes, BatchPolicy batching, IngestReporter reporter,
        IOptions<IngestOptions> options)
    {
        (_kafka, _ownership, _flushes, _batching, _reporter, _options) = (kafka, ownership, flushes, batching, reporter, options.Value);
        _topics = kafka.Topics;
    }

    public void Run(int partitions, CancellationToken ct)
    {
        _reporter.Starting(partitions);
        using var consumer = _kafka.CreateConsumer(_arena, b => b
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost)));
        _consumer = consumer;
        _ownership.Attach(consumer, partitions);
        consumer.Subscribe(_topics.Inputs);
        _reporter.Consuming(true);

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
                _reporter.LoopFailed(ex);
                StartOver();
                backoff = Backoff.After(backoff);
            }
        }

        try
        {
            FlushAndComplete(_ownership.Owned);
        }
        catch (Exception ex)
        {
            _reporter.FlushFailed(ex, "at shutdown");
        }
        consumer.Close();
        _reporter.Consuming(false);
    }

    private void PollOnce(CancellationToken ct)
    {
        if (_failedInCallback is { } failed)
        {
            _failedInCallback = null;
            throw new InvalidOperationException("A flush failed during a rebalance", failed);
        }
        _ownership.ClaimDue();
        // A finished flush is observed here, so its failure surfaces even when no further flush is due.
        if (_flushes.Started && !_flushes.Running) FinishFlush();
        var record = Consume(_batching.PollWait(_flushes.Started, _flushes.Idle), ct);
        ct.ThrowIfCancellationRequested();
        if (record is not null)
        {
            var taken = Take(record) ? 1 : 0;
            // Records the client has already fetched are taken in a run, without the checks above for every record.
            for (var n = 1; _batching.RunContinues(n) && (record = _consumer!.Consume(TimeSpan.Zero)) is not null; n++)
            {
                if (Take(record)) taken++;
            }
            if (taken > 0) _reporter.Taken(taken);
        }
        else _batching.NothingToRead();

        if (_batching.FlushDue(_flushes.Running, Backlog)) Flush(_ownership.Owned);
        // Report writes that have finished without waiting for the next flush to need their slot.
        while (_flushes.TryTakeWritten(out var done)) Complete(done);
        // Partition states belong to the flush while it runs: idle work waits for it.
        if (_batching.IdleTickDue(_flushes.Started))
        {
            AdvanceIdlePartitions();
            // Review timers of quiet partitions fire here, without waiting for records.
            if (_ownership.Owned.Any(p => p.CanFetchReviews)) Flush(_ownership.Owned);
        }
    }

    /// <summary>
    /// The next record within <paramref name="wait"/>, or null when none came in all of it. <c>Consume</c> does not
    /// see the stop token, and a batch may wait longer than the host waits for a stop: so the wait is taken in slices
    /// of <see cref="BatchPolicy.IdlePoll"/>, and a stop ends it at the next slice, in time for the final flush.
    /// </summary>
    private ConsumeResult<RecordBytes, RecordBytes>? Consume(TimeSpan wait, CancellationToken ct)
    {
        while (true)
        {
            var slice = wait < BatchPolicy.IdlePoll ? wait : BatchPolicy.IdlePoll;
            var record = _consumer!.Consume(slice);
            wait -= slice;
            if (record is not null || wait <= TimeSpan.Zero || ct.IsCancellationRequested) return record;
        }
    }

    private bool Take(ConsumeResult<RecordBytes, RecordBytes> result)
    {
        if (_ownership.OwnerOf(result) is not { } owner || !owner.Intake.Take(ConsumedRecord.From(result, _topics.Canonical(result.Topic)))) return false;
        if (!_reporter.HasFirstRecord) _reporter.FirstRecord(_batching.Timestamp);
        _batching.Taken();
        return true;
    }

    /// <summary>Records Kafka holds for this consumer beyond those taken (librdkafka's cached high watermarks; no request).</summary>
    private long Backlog()
    {
        long backlog = 0;
        foreach (var tp in _consumer!.Assignment)
        {
            var high = _consumer.GetWatermarkOffsets(tp).High;
            if (high == Offset.Unset || _ownership.Find(tp.Partition.Value) is not { } owner || owner.Intake.TakenNext(tp.Topic) is not { } next) continue;
            backlog += Math.Max(0, high.Value - next);
        }
        return backlog;
    }

    /// <summary>Hands the partitions' taken records and due reviews to a flush, once the previous flush has finished.</summary>
    /// <param name="final">The partitions are being revoked: inside the rebalance callback (which a close runs too) the
    /// client is not asked where the topics end, so the merge goes only as far as the order is certain and the next
    /// owner reads the rest again.</param>
    private void Flush(IReadOnlyCollection<OwnedPartition> partitions, bool final = false)
    {
        FinishFlush();
        var nowMs = _batching.Now.ToUnixTimeMilliseconds();
        var taken = partitions.Where(p => p.Intake.Records > 0 || p.CanFetchReviews)
            .Select(p => p.Intake.DetachMerged(p, _topics.Inputs, final ? static _ => long.MinValue : topic => ReleaseUpTo(p, topic, nowMs)))
            .Where(t => t.Records.Count > 0 || t.Owner.CanFetchReviews)
            .ToList();
        var owned = _ownership.Owned.ToList();
        _batching.Removed(taken.Sum(t => t.Counts.Records));
        _batching.Kept(owned.Sum(p => p.Intake.Records));
        if (taken.Count == 0) return;
        // The arena's chunks so far can be reused after this flush if no partition keeps records in them: records
        // kept back by the merge are copied out of them first; a partition left out of this flush keeps its own.
        var leftOut = owned.Where(p => !partitions.Contains(p)).ToList();
        _flushSealedArena = leftOut.All(p => p.Intake.Records == 0);
        if (_flushSealedArena)
        {
            _arena.Seal();
            foreach (var p in owned) p.Intake.MoveKept(_arena);
        }
        _flushes.Start(taken, owned, _batching.Now);
    }

    /// <summary>
    /// Up to which record timestamp (Unix ms) the partition's other topics may go ahead of this one, which has no
    /// record taken: none while Kafka holds more of it; while the client knows no end of it yet (no fetch answered
    /// since the claim), none for <see cref="IngestOptions.UnknownEndWait"/>; otherwise records at least
    /// <see cref="IngestOptions.MaxTopicWait"/> old, since one of this topic produced earlier may still be on its way.
    /// </summary>
    private long ReleaseUpTo(OwnedPartition p, string topic, long nowMs)
    {
        var high = _consumer!.GetWatermarkOffsets(new TopicPartition(topic, p.Number)).High;
        var settled = nowMs - (long)_options.MaxTopicWait.TotalMilliseconds;
        if (high == Offset.Unset) return nowMs - p.ClaimedAtMs >= (long)_options.UnknownEndWait.TotalMilliseconds ? settled : long.MinValue;
        // Nothing taken yet: at its end only if the topic is empty.
        return (p.Intake.TakenNext(topic) ?? 0) >= high.Value ? settled : long.MinValue;
    }

    /// <summary>Waits for the running flush, if any; its failure is thrown here.</summary>
    private void FinishFlush()
    {
        if (!_flushes.Started) return;
        try
        {
            _flushes.Finish();
        }
        finally
        {
            // Its records were read (or will be read again from Kafka after a failure).
            if (_flushSealedArena) _arena.ReleaseOldest();
        }
    }

    /// <summary>Flushes the partitions and waits until every write so far is reported.</summary>
    private void FlushAndComplete(IReadOnlyCollection<OwnedPartition> partitions, bool final = false)
    {
        Flush(partitions, final);
        FinishFlush();
        foreach (var flight in _flushes.TakeAll()) Complete(flight);
    }

    /// <summary>
    /// Reports one flush's writes once they finish. A partition whose write failed, or found Redis without the
    /// progress it builds on (an earlier write was lost, say Redis died mid-flight), starts over from Redis by itself.
    /// </summary>
    private void Complete(Flight flight)
    {
        flight.WaitCompleted();
        _reporter.Changes(flight.Changes);
        var committedAt = _batching.Now;
        _reporter.Alerts(flight.Alerts, committedAt);
        var assignment = _consumer!.Assignment;
        foreach (var (batch, write) in flight.Writes)
        {
            var p = batch.Owner;
            if (!_ownership.IsCurrent(p)) continue;
            if (write.IsFaulted) _batching.Removed(_ownership.Reset(p, write.Exception?.InnerException));
            else if (write.Result == Storage.CommitOutcome.OutOfSequence)
                _batching.Removed(_ownership.Reset(p, new InvalidOperationException($"partition {p.Number}: Redis does not hold the progress this batch builds on")));
            else if (write.Result == Storage.CommitOutcome.Fenced) _batching.Removed(_ownership.Fence(p));
            else
            {
                _ownership.Committed(p, batch.Next);
                _reporter.Committed(batch, _consumer!, assignment, committedAt);
            }
        }
        _reporter.CustomersCached(_ownership.Owned.Sum(o => o.Customers.Count));
    }

    private void AdvanceIdlePartitions()
    {
        var now = _batching.Now;
        foreach (var p in _ownership.Owned)
        {
            // Records waiting to be read are activity: the flush moves the watermark with them.
            if (p.Intake.Records > 0) continue;
            foreach (var (topic, watermark) in p.AdvanceIdle(now)) _reporter.Watermark(topic, p.Number, watermark);
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        var result = _ownership.Assigned(partitions);
        _reporter.Assigned(partitions.Select(p => p.Partition.Value));
        return result;
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        var numbers = partitions.Select(p => p.Partition.Value).ToHashSet();
        try
        {
            FlushAndComplete([.. _ownership.Owned.Where(o => numbers.Contains(o.Number))], final: true);
        }
        catch (Exception ex)
        {
            // The flush may have held partitions this instance keeps: they start over from Redis too.
            _reporter.FlushFailed(ex, "on revocation");
            _failedInCallback = ex;
        }
        _batching.Removed(_ownership.Drop(numbers));
        _reporter.Revoked(numbers);
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        try
        {
            FinishFlush();
        }
        catch (Exception ex)
        {
            _reporter.FlushFailed(ex, "while partitions were lost");
            _failedInCallback = ex;
        }
        var numbers = partitions.Select(p => p.Partition.Value).ToHashSet();
        _batching.Removed(_ownership.Drop(numbers));
        _reporter.Lost(numbers);
    }

    /// <summary>After a failure: forget everything uncommitted and claim again, so processing restarts from Redis.</summary>
    private void StartOver()
    {
        try
        {
            FinishFlush();
        }
        catch (Exception)
        {
            // Often why we are here; what it did not commit is read again.
        }
        _failedInCallback = null;
        _flushes.Abandon();
        _arena.Recycle();
        _batching.Reset();
        _ownership.ReclaimAll();
    }
}
