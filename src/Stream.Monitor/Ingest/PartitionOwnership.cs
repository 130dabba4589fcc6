using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Stream.Monitor.Configuration;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest;

/// <summary>
/// Which partition numbers this instance owns. Kafka assigns them; a claim in Redis (a new fencing epoch) makes
/// one ours and says where to resume. A claim that fails, or a partition whose write fails, is claimed again after
/// its own back-off and rewound to its Redis offsets, while the other partitions go on. A partition another
/// instance claimed (fenced) drops its uncommitted work. The consumer thread's alone.
/// </summary>
internal sealed class PartitionOwnership(CustomerStateStore store, IOptions<IngestOptions> options, TimeProvider clock, IngestReporter reporter,
    DeadLetterPublisher deadLetters)
{
    private readonly Dictionary<int, OwnedPartition> _owned = [];
    // Taken over by another instance: its records are ignored until Kafka assigns it here again.
    private readonly HashSet<int> _fenced = [];
    // Assigned but not claimed: claimed at a poll, not only when a record comes, since records already read past
    // would otherwise wait for new traffic to be read again.
    private readonly HashSet<int> _unclaimed = [];
    // Partitions that failed since their last write landed: when the next claim may be tried, and the wait after it.
    private readonly Dictionary<int, (DateTimeOffset At, TimeSpan Backoff)> _retry = [];
    private IConsumer<RecordBytes, RecordBytes>? _consumer;

    public IReadOnlyCollection<OwnedPartition> Owned => _owned.Values;

    /// <summary>Starts owning for <paramref name="consumer"/>, whose input topics have <paramref name="partitions"/> partitions each.</summary>
    public void Attach(IConsumer<RecordBytes, RecordBytes> consumer, int partitions)
    {
        _consumer = consumer;
        // The API finds a customer by asking every partition number.
        store.SetPartitionCountAsync(partitions).GetAwaiter().GetResult();
    }

    public OwnedPartition? Find(int partition) => _owned.GetValueOrDefault(partition);

    public bool IsCurrent(OwnedPartition p) => _owned.TryGetValue(p.Number, out var current) && current == p;

    /// <summary>The owner of a record's partition; null (the record is dropped, and read again once claimed) when there is none.</summary>
    public OwnedPartition? OwnerOf(ConsumeResult<RecordBytes, RecordBytes> record)
    {
        var n = record.Partition.Value;
        if (_owned.TryGetValue(n, out var owner)) return owner;
        if (!_fenced.Contains(n) && _consumer!.Assignment.Contains(record.TopicPartition)) _unclaimed.Add(n);
        return null;
    }

    /// <summary>Claims newly assigned partition numbers; returns where each topic-partition starts (unset where the claim failed).</summary>
    public List<TopicPartitionOffset> Assigned(List<TopicPartition> partitions)
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
                reporter.ClaimFailed(group.Key, ex, TimeSpan.Zero);
                _unclaimed.Add(group.Key);
            }
            foreach (var tp in group) result.Add(new TopicPartitionOffset(tp, owner is null ? Offset.Unset : StartOffset(owner, tp.Topic)));
        }
        return result;
    }

    /// <summary>Claims the unclaimed partitions whose retry is due, rewinding each to its Redis offsets.</summary>
    public void ClaimDue()
    {
        if (_unclaimed.Count == 0) return;
        var now = clock.GetUtcNow();
        foreach (var n in _unclaimed.ToList())
        {
            var (at, backoff) = _retry.GetValueOrDefault(n, (DateTimeOffset.MinValue, Backoff.First));
            if (now < at) continue;
            if (!_consumer!.Assignment.Any(a => a.Partition.Value == n) || _owned.ContainsKey(n))
            {
                _unclaimed.Remove(n);
                _retry.Remove(n);
                continue;
            }
            try
            {
                ClaimAndRewind(n);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                reporter.ClaimFailed(n, ex, backoff);
                reporter.PartitionFailed(n);
                RetryLater(n, now);
            }
        }
    }

    /// <summary>
    /// A partition whose write failed starts over from Redis on its own: its uncommitted work is dropped, its reading
    /// paused, and <see cref="ClaimDue"/> claims it again after a back-off. Returns the records it had taken.
    /// </summary>
    public int Reset(OwnedPartition p, Exception? cause)
    {
        if (!IsCurrent(p)) return 0;
        reporter.PartitionReset(p.Number, cause);
        reporter.PartitionFailed(p.Number);
        _owned.Remove(p.Number);
        _unclaimed.Add(p.Number);
        RetryLater(p.Number, clock.GetUtcNow());
        _consumer!.Pause(_consumer.Assignment.Where(a => a.Partition.Value == p.Number));
        reporter.Owned(_owned.Keys);
        return p.Intake.Records;
    }

    /// <summary>Another instance claimed the partition: it owns the truth now. Returns the records it had taken.</summary>
    public int Fence(OwnedPartition p)
    {
        reporter.Fenced(p.Number);
        _owned.Remove(p.Number);
        _fenced.Add(p.Number);
        deadLetters.Forget(p.Number);
        reporter.Owned(_owned.Keys);
        return p.Intake.Records;
    }

    /// <summary>The partition's write landed: it is healthy, and its dead-letter copies up to there need no memory.</summary>
    public void Committed(OwnedPartition p, IReadOnlyDictionary<string, long> next)
    {
        p.MarkCommitted(next);
        _retry.Remove(p.Number);
        reporter.PartitionHealthy(p.Number);
        deadLetters.Committed(p.Number, next);
    }

    /// <summary>Kafka took the partitions away (revoked or lost). Returns the records they had taken.</summary>
    public int Drop(IEnumerable<int> numbers)
    {
        var records = 0;
        foreach (var n in numbers)
        {
            if (_owned.Remove(n, out var owner)) records += owner.Intake.Records;
            _fenced.Remove(n);
            _unclaimed.Remove(n);
            _retry.Remove(n);
            deadLetters.Forget(n);
            reporter.PartitionHealthy(n);
        }
        reporter.Owned(_owned.Keys);
        return records;
    }

    /// <summary>After a failure of the loop: every owned partition is claimed again and rewound, so processing restarts from Redis.</summary>
    public void ReclaimAll()
    {
        var numbers = _owned.Keys.ToList();
        _owned.Clear();
        foreach (var n in numbers)
        {
            try
            {
                ClaimAndRewind(n);
            }
            catch (Exception ex)
            {
                reporter.ClaimFailed(n, ex, TimeSpan.Zero);
                _unclaimed.Add(n);
            }
        }
        reporter.Owned(_owned.Keys);
    }

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
        var owner = new OwnedPartition(claim, options.Value, clock.GetUtcNow());
        _owned[n] = owner;
        _fenced.Remove(n);
        _unclaimed.Remove(n);
        reporter.Owned(_owned.Keys);
        return owner;
    }

    /// <summary>The partition's next claim waits its current back-off, and the one after twice as long; a landed write resets it.</summary>
    private void RetryLater(int n, DateTimeOffset now)
    {
        var backoff = _retry.TryGetValue(n, out var retry) ? retry.Backoff : Backoff.First;
        _retry[n] = (now + backoff, Backoff.After(backoff));
    }

    private static Offset StartOffset(OwnedPartition owner, string topic) =>
        owner.CommittedNext.TryGetValue(topic, out var next) ? new Offset(next) : Offset.Beginning;
}
