using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Stream.Core.Analytics;

namespace Stream.Monitor.Ingest;

/// <summary>
/// A partition's event-time clock: an Rx virtual-time scheduler that only the partition's watermark moves.
/// Timers scheduled on it fire when event time reaches them — in a replay at replay speed, in tests exactly
/// where the events put the watermark — never by the wall clock. One timer per partition (the earliest
/// customer review due), never one per customer: the per-customer timers live in Redis (a sorted set).
/// </summary>
internal sealed class EventTimeClock : IDisposable
{
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.MinValue);
    private IDisposable? _timer;
    private int? _timerDay;
    private int _day = int.MinValue;

    /// <summary>Moves event time forward to the start of <paramref name="day"/> (never back), firing the timers it
    /// passes; a bare comparison when the day has not changed, as it is called for every record.</summary>
    public void AdvanceTo(int day)
    {
        if (day <= _day) return;
        _day = day;
        _scheduler.AdvanceTo(StartOf(day));
    }

    /// <summary>Runs <paramref name="action"/> once when event time reaches the start of <paramref name="day"/>,
    /// replacing any later timer; immediately if it already has.</summary>
    public void WakeAt(int day, Action action)
    {
        if (_timerDay <= day) return;
        var at = StartOf(day);
        if (at <= _scheduler.Now)
        {
            action();
            return;
        }
        _timer?.Dispose();
        _timerDay = day;
        _timer = Observable.Timer(at, _scheduler).Subscribe(_ =>
        {
            _timerDay = null;
            action();
        });
    }

    /// <summary>Forgets the pending timer (its reviews were fetched by other means).</summary>
    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
        _timerDay = null;
    }

    public void Dispose() => _timer?.Dispose();

    private static DateTimeOffset StartOf(int day) => new(EpochDays.ToDate(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
