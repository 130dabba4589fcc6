using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;

namespace Stream.Monitor.Tests;

/// <summary>When batches close and how long polls wait, on a fake clock: no Kafka, no Redis.</summary>
[Trait("Category", "Unit")]
public sealed class BatchPolicyTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CatchUpDelay = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly BatchPolicy _policy;

    public BatchPolicyTests() => _policy = new BatchPolicy(Options.Create(new IngestOptions
    {
        MaxBatchRecords = 10, MaxBatchDelay = Delay, CatchUpBatchDelay = CatchUpDelay,
    }), _clock);

    [Fact]
    public void A_live_batch_closes_once_its_oldest_record_is_MaxBatchDelay_old()
    {
        Take(3);
        _clock.Advance(Delay - TimeSpan.FromMilliseconds(1));
        Assert.False(_policy.FlushDue(flushRunning: false, NoBacklog));
        Assert.Equal(TimeSpan.FromMilliseconds(1), _policy.PollWait(flushStarted: false, idle: true));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_policy.FlushDue(flushRunning: false, NoBacklog));
    }

    [Fact]
    public void A_full_batch_closes_at_once_even_while_a_flush_runs_and_a_run_of_fetched_records_stops_there()
    {
        Take(9);
        Assert.True(_policy.RunContinues(9));
        Assert.False(_policy.FlushDue(flushRunning: true, NoBacklog));
        Take(1);
        Assert.False(_policy.RunContinues(10));
        Assert.True(_policy.FlushDue(flushRunning: true, NoBacklog));
        Assert.False(_policy.RunContinues(1));
    }

    [Fact]
    public void An_old_batch_waits_for_the_running_flush_polling_briefly_meanwhile()
    {
        Take(1);
        _clock.Advance(Delay * 2);
        Assert.False(_policy.FlushDue(flushRunning: true, NoBacklog));
        Assert.Equal(BatchPolicy.FlushPoll, _policy.PollWait(flushStarted: true, idle: false));
        Assert.True(_policy.FlushDue(flushRunning: false, NoBacklog));
    }

    [Fact]
    public void While_Kafka_holds_at_least_the_batch_again_the_batch_grows_for_the_catch_up_delay_and_stops_growing_when_reading_runs_dry()
    {
        var backlogChecks = 0;
        long Backlog()
        {
            backlogChecks++;
            return 1_000;
        }
        Take(5);
        _clock.Advance(Delay);
        Assert.False(_policy.FlushDue(flushRunning: false, Backlog));
        Assert.Equal(1, backlogChecks);
        // Checked again only once per MaxBatchDelay.
        Assert.False(_policy.FlushDue(flushRunning: false, Backlog));
        Assert.Equal(1, backlogChecks);

        _clock.Advance(CatchUpDelay - Delay);
        Assert.True(_policy.FlushDue(flushRunning: false, Backlog));

        _policy.Removed(5);
        Take(5);
        _clock.Advance(Delay);
        Assert.False(_policy.FlushDue(flushRunning: false, Backlog));
        // A poll's whole wait passed with nothing to read: the backlog is gone, the batch closes at the live delay.
        _policy.NothingToRead();
        Assert.True(_policy.FlushDue(flushRunning: false, Backlog));
    }

    [Fact]
    public void With_nothing_pending_polls_wait_long_when_idle_and_briefly_while_a_flush_or_write_is_in_the_air()
    {
        Assert.Equal(BatchPolicy.IdlePoll, _policy.PollWait(flushStarted: false, idle: true));
        Assert.Equal(BatchPolicy.FlushPoll, _policy.PollWait(flushStarted: false, idle: false));
        Assert.False(_policy.FlushDue(flushRunning: false, NoBacklog));
    }

    [Fact]
    public void Idle_work_comes_once_a_second_and_never_while_a_flush_holds_the_partitions()
    {
        Assert.True(_policy.IdleTickDue(flushStarted: false));
        Assert.False(_policy.IdleTickDue(flushStarted: false));
        _clock.Advance(BatchPolicy.IdleTick);
        Assert.False(_policy.IdleTickDue(flushStarted: true));
        Assert.True(_policy.IdleTickDue(flushStarted: false));
    }

    [Fact]
    public void Records_dropped_with_their_partitions_leave_the_batch()
    {
        Take(4);
        _policy.Removed(3);
        Assert.Equal(1, _policy.Pending);
        _policy.Reset();
        Assert.Equal(0, _policy.Pending);
        Assert.False(_policy.FlushDue(flushRunning: false, NoBacklog));
    }

    private static long NoBacklog() => 0;

    private void Take(int records)
    {
        for (var i = 0; i < records; i++) _policy.Taken();
    }
}
