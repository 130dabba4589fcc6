using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// A flush, stage by stage: take → load → read and validate → review timers → load → apply → review → publish →
/// encode → commit; the consumer thread reports each write once it completes. Each stage returns what the next
/// needs. A flush runs on a thread of its own while the consumer thread takes the next batch; its writes complete
/// while later batches are taken.
/// </summary>
internal sealed class FlushPipeline(
    CustomerLoader loader,
    RecordReader reader,
    ReviewTimers timers,
    StateApplier applier,
    CustomerReviewer reviewer,
    ChangePublisher publisher,
    BatchEncoder encoder,
    BatchCommitter committer,
    IOptions<IngestOptions> options)
{
    private readonly ConcurrentQueue<Flight> _inFlight = new();
    private Task? _running;
    // The last flight sent (flush threads only, one at a time).
    private Flight? _lastFlight;

    /// <summary>A flush was started and not yet finished (it may have completed).</summary>
    public bool Started => _running is not null;

    /// <summary>A flush is still running.</summary>
    public bool Running => _running is { IsCompleted: false };

    /// <summary>Nothing running and no write in flight.</summary>
    public bool Idle => _running is null && _inFlight.IsEmpty;

    /// <summary>Starts flushing the partitions' taken records and due reviews; call after <see cref="Finish"/>.</summary>
    /// <param name="owned">Every owned partition, whose caches are trimmed when over the limit.</param>
    public void Start(IReadOnlyList<TakenBatch> taken, IReadOnlyList<OwnedPartition> owned, DateTimeOffset now)
    {
        // A thread of its own: the flush blocks on Redis, whose completions need the thread pool.
        _running = Task.Factory.StartNew(() => Flush(taken, owned, now), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits for the flush started last, if any; its failure is thrown here.</summary>
    public void Finish()
    {
        if (_running is not { } running) return;
        _running = null;
        running.GetAwaiter().GetResult();
    }

    /// <summary>The oldest flight, once all its writes have finished.</summary>
    public bool TryTakeWritten(out Flight flight)
    {
        if (_inFlight.TryPeek(out var oldest) && oldest.Written && _inFlight.TryDequeue(out flight!)) return true;
        flight = null!;
        return false;
    }

    /// <summary>Every flight queued so far, oldest first; call after <see cref="Finish"/>.</summary>
    public IEnumerable<Flight> TakeAll()
    {
        while (_inFlight.TryDequeue(out var flight)) yield return flight;
    }

    /// <summary>
    /// Forgets the flights in the air after a failure. Their writes were sent before any re-claim on the same
    /// connection, so the claim reads the progress they made (or not) consistently.
    /// </summary>
    public void Abandon()
    {
        _inFlight.Clear();
        _lastFlight = null;
    }

    private void Flush(IReadOnlyList<TakenBatch> taken, IReadOnlyList<OwnedPartition> owned, DateTimeOffset now)
    {
        BoundCaches(owned);
        var keyed = loader.LoadByKey(taken);
        var read = new ReadBatch[keyed.Length];
        Parallel.For(0, keyed.Length, i => read[i] = reader.Read(keyed[i], now, reviewer.Begin(keyed[i].Taken.Owner, keyed[i].Taken.Counts)));
        var loaded = loader.LoadQueued(timers.Fetch(read));
        var encoded = new EncodedBatch[loaded.Length];
        var reviewed = new ReviewedBatch[loaded.Length];
        Parallel.For(0, loaded.Length, i =>
        {
            reviewed[i] = reviewer.Review(applier.ApplyWaiting(loaded[i]));
            // Each customer's changes stay in order: they are all found and sent here, by this partition's one thread.
            publisher.Publish(reviewed[i]);
            encoded[i] = encoder.Encode(reviewed[i]);
        });
        // Dead letters, changes and alerts are delivered before the batch that found them commits: at least once, never lost.
        var delivered = publisher.Delivered();
        // Each write builds on the offsets the previous flush's wrote, so those finish first; they normally have by
        // now. One that failed makes its partition's write here find Redis without that progress, and the consumer
        // thread starts that partition over.
        _lastFlight?.WaitCompleted();
        _lastFlight = committer.Commit(encoded, [.. reviewed.SelectMany(r => r.Changes)], [.. reviewed.SelectMany(r => r.Alerts)], delivered);
        _inFlight.Enqueue(_lastFlight);
    }

    /// <summary>
    /// Caches are the flush's side of every partition. A customer dropped from one is read back from Redis when its
    /// next events come, so the write that last changed it must have landed by then: the previous flush's writes
    /// wait for their deliveries and may still be pending, so trimming waits for them (only when over the limit).
    /// </summary>
    private void BoundCaches(IReadOnlyList<OwnedPartition> owned)
    {
        if (owned.Sum(o => o.Customers.Count) <= options.Value.MaxCachedCustomers) return;
        _lastFlight?.WaitCompleted();
        foreach (var o in owned) o.Customers.Trim();
    }
}
