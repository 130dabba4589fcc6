using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;

namespace Stream.Monitor.Ingest;

/// <summary>
/// When a batch closes, and how long the consumer waits for records meanwhile. A batch closes when it holds
/// <see cref="IngestOptions.MaxBatchRecords"/>, or when its oldest record is <see cref="IngestOptions.MaxBatchDelay"/>
/// old and no flush is running. While the consumer is catching up (Kafka holds at least as many records again as
/// the batch has) it may grow for <see cref="IngestOptions.CatchUpBatchDelay"/>: few large batches clear a backlog
/// faster than many small ones. The consumer thread's alone.
/// </summary>
internal sealed class BatchPolicy(IOptions<IngestOptions> options, TimeProvider clock)
{
    /// <summary>Most records one poll takes from what the client has already fetched.</summary>
    public const int RunRecords = 256;

    /// <summary>How long a poll waits for records while a due batch waits for the running flush, or while nothing is pending but a flush or write is running.</summary>
    public static readonly TimeSpan FlushPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a poll waits for records when nothing is pending or running.</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>How often quiet partitions' watermarks and timers move with the wall clock.</summary>
    public static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(1);

    private readonly IngestOptions _options = options.Value;
    private DateTimeOffset _oldestPending;
    // Whether the consumer is behind, checked once MaxBatchDelay is up and again at that interval; both reset when a batch starts.
    private bool _catchingUp;
    private DateTimeOffset _backlogCheckedAt;
    private DateTimeOffset _lastIdleTick;

    /// <summary>Records taken and not yet handed to a flush.</summary>
    public int Pending { get; private set; }

    // Of those, the records the last flush kept back (see BatchIntake.DetachMerged): a batch's size counts the others.
    private int _kept;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A high-resolution timestamp (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Timestamp => clock.GetTimestamp();

    private TimeSpan BatchDelay => _catchingUp && _options.CatchUpBatchDelay > _options.MaxBatchDelay ? _options.CatchUpBatchDelay : _options.MaxBatchDelay;

    /// <summary>
    /// How long the next poll may wait for a record. A batch that is due waits for the running flush, reading on
    /// meanwhile. With nothing to read, a flush or a write still running is looked at again soon: its commit is
    /// reported when the consumer thread sees it, which a long idle wait would put off.
    /// </summary>
    public TimeSpan PollWait(bool flushStarted, bool idle)
    {
        var wait = Pending > 0 ? Min(_oldestPending + BatchDelay - Now, _options.MaxBatchDelay) : idle ? IdlePoll : FlushPoll;
        if (wait <= TimeSpan.Zero) wait = flushStarted ? FlushPoll : TimeSpan.Zero;
        return wait;
    }

    /// <summary>Whether a run of already-fetched records may go on after <paramref name="taken"/> of them: a full batch ends it.</summary>
    public bool RunContinues(int taken) => taken < RunRecords && Pending - _kept < _options.MaxBatchRecords;

    /// <summary>A record was taken into a batch.</summary>
    public void Taken()
    {
        if (Pending++ > 0) return;
        _oldestPending = Now;
        _catchingUp = false;
        _backlogCheckedAt = DateTimeOffset.MinValue;
    }

    /// <summary>A poll's whole wait passed without a record: whatever backlog there was is gone.</summary>
    public void NothingToRead() => _catchingUp = false;

    /// <summary>
    /// Whether the batch closes now: it is full (then it waits for a running flush), or it is old enough and no flush
    /// runs. <paramref name="backlog"/> counts the records Kafka holds beyond those taken; it is asked only when the
    /// batch is past <see cref="IngestOptions.MaxBatchDelay"/>, at most once per that interval.
    /// </summary>
    public bool FlushDue(bool flushRunning, Func<long> backlog)
    {
        if (Pending - _kept >= _options.MaxBatchRecords) return true;
        if (Pending == 0 || flushRunning) return false;
        var now = Now;
        var age = now - _oldestPending;
        if (age < _options.MaxBatchDelay) return false;
        if (now - _backlogCheckedAt >= _options.MaxBatchDelay)
        {
            _backlogCheckedAt = now;
            _catchingUp = backlog() >= Pending;
        }
        return age >= BatchDelay;
    }

    /// <summary>
    /// A flush kept <paramref name="records"/> back for the next batch: the batch fills with as many new ones as usual,
    /// and their delay starts again, so waiting for the records they wait for does not spin.
    /// </summary>
    public void Kept(int records)
    {
        _kept = records;
        if (records > 0) _oldestPending = Now;
    }

    /// <summary>Records left the batch: handed to a flush, or dropped with their partition.</summary>
    public void Removed(int records) => Pending -= records;

    /// <summary>Everything taken was dropped (the loop starts over from Redis).</summary>
    public void Reset() => Pending = _kept = 0;

    /// <summary>Whether quiet partitions' watermarks and timers are due to move (once per <see cref="IdleTick"/>, between flushes).</summary>
    public bool IdleTickDue(bool flushStarted)
    {
        var now = Now;
        if (flushStarted || now - _lastIdleTick < IdleTick) return false;
        _lastIdleTick = now;
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
