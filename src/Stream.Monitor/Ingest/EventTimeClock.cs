using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Stream.Monitor.Ingest;

/// <summary>
/// A partition's event-time clock: an Rx virtual-time scheduler that only the partition's watermark moves.
/// Timers scheduled on it fire when event time reaches them — in a replay at replay speed, in tests exactly
/// where the events put the watermark — never by the wall clock. One timer per partition (the earliest
/// customer timer due: a review day or an alert's wake), never one per customer: the per-customer timers live in
/// Redis (a sorted set).
/// </summary>
internal sealed class EventTimeClock : IDisposable
{
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.MinValue);
    private IDisposable? _timer;
    private long _timerAtMs = long.MaxValue;
    private long _nowMs = long.MinValue;

    /// <summary>Moves event time forward to <paramref name="unixMs"/> (never back), firing the timer if it passes it;
    /// a bare comparison otherwise, as it is called for every record.</summary>
    public void AdvanceTo(long unixMs)
    {
        if (unixMs <= _nowMs) return;
        _nowMs = unixMs;
        if (unixMs >= _timerAtMs) _scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
    }

    /// <summary>Runs <paramref name="action"/> once when event time reaches <paramref name="unixMs"/>, replacing any
    /// later timer; immediately if it already has.</summary>
    public void WakeAt(long unixMs, Action action)
    {
        if (_timerAtMs <= unixMs) return;
        if (unixMs <= _nowMs)
        {
            action();
            return;
        }
        _timer?.Dispose();
        _timerAtMs = unixMs;
        // The scheduler stands where the last timer left it: bring it to now, so the new timer's time is ahead of it.
        if (_nowMs > long.MinValue) _scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(_nowMs));
        _timer = Observable.Timer(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), _scheduler).Subscribe(_ =>
        {
            _timerAtMs = long.MaxValue;
            action();
        });
    }

    /// <summary>Forgets the pending timer (its customers were fetched by other means).</summary>
    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
        _timerAtMs = long.MaxValue;
    }

    public void Dispose() => _timer?.Dispose();
}
