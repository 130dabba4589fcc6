using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// Rolling event-time windows of one customer, kept as buckets so memory stays bounded: 40 daily buckets
/// (exact windows up to 40 days: 7 and 30 days, and the 7-vs-28-day engagement baseline) and 53 weekly
/// buckets for longer windows (90 and 365 days, and 90-vs-prior-90 spend). A long window is week-aligned:
/// the current week plus the ⌈W/7⌉−1 weeks before it, so a "365-day" window covers 365–371 days.
/// Windows are evaluated as of a day (the watermark, or a requested date), so they expire for customers who
/// send nothing. Days are UTC calendar days; weeks are whole weeks since 1970-01-01.
/// </summary>
public sealed class ActivityWindows
{
    public const int DailyLength = 40;
    public const int WeeklyLength = 53;

    public BucketRing Daily { get; } = new(DailyLength);
    public BucketRing Weekly { get; } = new(WeeklyLength);

    /// <summary>The highest NPS score that counts as a detractor's (0–6, the NPS definition).</summary>
    public const int DetractorNps = 6;

    /// <summary>
    /// The last day with a non-zero <paramref name="counter"/> within <paramref name="maxDays"/> up to
    /// <paramref name="asOfDay"/> (to the day within the daily ring, to the week beyond); null if none.
    /// </summary>
    public int? LastDayWith(WindowCounter counter, int asOfDay, int maxDays)
    {
        if (Sum(counter, asOfDay, maxDays) == 0) return null;
        // Binary search on the window length: the shortest window ending on asOfDay that holds one.
        int lo = 1, hi = maxDays;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Sum(counter, asOfDay, mid) > 0) hi = mid;
            else lo = mid + 1;
        }
        return asOfDay - lo + 1;
    }

    public static int WeekOf(int day) => (int)Math.Floor(day / 7.0);

    public void Add(int day, WindowCounter counter, long amount)
    {
        Daily.Add(day, counter, amount);
        Weekly.Add(WeekOf(day), counter, amount);
    }

    public void Apply(in EventFacts ev, int day)
    {
        if (ev.Kind == EventKind.Interaction) Add(day, WindowCounter.Interactions, 1);
        switch (ev.Type)
        {
            case EventType.Purchase:
                Add(day, WindowCounter.Purchases, 1);
                Add(day, WindowCounter.SpendUnits, ev.AmountUnits);
                break;
            case EventType.Refund:
                Add(day, WindowCounter.RefundUnits, ev.AmountUnits);
                break;
            case EventType.Complaint:
                Add(day, WindowCounter.Complaints, 1);
                break;
            case EventType.SurveyResponse when ev.Nps is { } nps:
                Add(day, WindowCounter.NpsSum, nps);
                Add(day, WindowCounter.NpsAnswers, 1);
                if (nps <= DetractorNps) Add(day, WindowCounter.Detractors, 1);
                break;
        }
    }

    /// <summary>
    /// The counter over the <paramref name="windowDays"/> days ending on <paramref name="asOfDay"/>: daily
    /// buckets up to <see cref="DailyLength"/> days, week-aligned weekly buckets beyond (up to 53 weeks).
    /// <paramref name="asOfDay"/> should not precede the newest event (the watermark never does).
    /// </summary>
    public long Sum(WindowCounter counter, int asOfDay, int windowDays)
    {
        var (ring, last, count) = Window(asOfDay, windowDays);
        return ring.Sum(counter, last, count);
    }

    /// <summary>Spend less refunds over the window (as <see cref="Sum"/>): what RFM monetary, spend trends and value tiers read.</summary>
    public long NetSpend(int asOfDay, int windowDays)
    {
        var (ring, last, count) = Window(asOfDay, windowDays);
        return ring.Difference(WindowCounter.SpendUnits, WindowCounter.RefundUnits, last, count);
    }

    /// <summary>The ring and buckets <c>(last − count, last]</c> that a window of <paramref name="windowDays"/> ending on <paramref name="asOfDay"/> reads.</summary>
    private (BucketRing Ring, int Last, int Count) Window(int asOfDay, int windowDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowDays, 1);
        if (windowDays <= DailyLength) return (Daily, asOfDay, windowDays);
        var weeks = (windowDays + 6) / 7;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weeks, WeeklyLength, nameof(windowDays));
        return (Weekly, WeekOf(asOfDay), weeks);
    }

    /// <summary>Spend less refunds over the <paramref name="weeks"/> whole weeks before the <paramref name="weeks"/> ending with the week of <paramref name="asOfDay"/>.</summary>
    public long NetSpendWeeksBefore(int asOfDay, int weeks) =>
        Weekly.Difference(WindowCounter.SpendUnits, WindowCounter.RefundUnits, WeekOf(asOfDay) - weeks, weeks);

    /// <summary>The counter over the <paramref name="weeks"/> whole weeks before the <paramref name="weeks"/> ending with the week of <paramref name="asOfDay"/>.</summary>
    public long SumWeeksBefore(WindowCounter counter, int asOfDay, int weeks) => Weekly.Sum(counter, WeekOf(asOfDay) - weeks, weeks);

    /// <summary>The counter over days <c>(asOf − offset − length, asOf − offset]</c>, for baselines before a recent window.</summary>
    public long SumDailyBefore(WindowCounter counter, int asOfDay, int offsetDays, int lengthDays) =>
        Daily.Sum(counter, asOfDay - offsetDays, lengthDays);
}
