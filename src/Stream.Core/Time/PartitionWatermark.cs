namespace Stream.Core.Time;

/// <summary>
/// Event-time progress of one Kafka partition: the greatest event time seen minus the allowed lateness.
/// An event older than the watermark is late: it still counts in lifetime totals, and the caller reports it.
/// A partition that receives nothing for <see cref="IdleAfter"/> of wall-clock time advances with the
/// clock, so windows and timers still move for quiet partitions.
/// </summary>
public sealed class PartitionWatermark(TimeSpan allowedLateness, TimeSpan idleAfter)
{
    private DateTimeOffset _lastEventWall;
    private DateTimeOffset _lastTickWall;

    public TimeSpan AllowedLateness { get; } = allowedLateness;
    public TimeSpan IdleAfter { get; } = idleAfter;

    /// <summary>The watermark; <see cref="DateTimeOffset.MinValue"/> until the first event or restore.</summary>
    public DateTimeOffset Current { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Continues from a persisted watermark after a restart or reassignment.</summary>
    public void Restore(DateTimeOffset watermark, DateTimeOffset wallNow)
    {
        if (watermark > Current) Current = watermark;
        _lastEventWall = _lastTickWall = wallNow;
    }

    /// <summary>Observes an event; returns true if it is late (older than the watermark before it arrived).</summary>
    public bool Observe(DateTimeOffset eventTime, DateTimeOffset wallNow)
    {
        _lastEventWall = _lastTickWall = wallNow;
        var late = eventTime < Current;
        var candidate = eventTime - AllowedLateness;
        if (candidate > Current) Current = candidate;
        return late;
    }

    /// <summary>Moves an idle partition's watermark forward by the wall-clock time since the last tick.</summary>
    public bool AdvanceIfIdle(DateTimeOffset wallNow)
    {
        var elapsed = wallNow - _lastTickWall;
        _lastTickWall = wallNow;
        if (Current == DateTimeOffset.MinValue || wallNow - _lastEventWall < IdleAfter || elapsed <= TimeSpan.Zero) return false;
        Current += elapsed;
        return true;
    }
}
