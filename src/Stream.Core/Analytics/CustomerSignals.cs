using Stream.Core.State;

namespace Stream.Core.Analytics;

/// <summary>
/// One customer's windowed activity and drop signals as of a day. Ratios are null where the baseline is
/// below its guard, so quiet customers never look like drops.
/// </summary>
public sealed record CustomerSignals(
    long Interactions7d,
    long Interactions30d,
    long Purchases30d,
    long Purchases90d,
    long Purchases365d,
    long NetSpend90dUnits,
    long NetSpend365dUnits,
    long Complaints90d,
    double? AverageNps90d,
    double InteractionBaselinePerWeek,
    double? EngagementRatio,
    long PriorNetSpendUnits,
    double? SpendRatio,
    int DistinctPurchaseDays365d)
{
    public bool EngagementDrop(AnalyticsOptions o) => EngagementRatio < o.DropRatio;

    public bool SpendDrop(AnalyticsOptions o) => SpendRatio < o.DropRatio;

    // The last customer, day and event count this thread read the ratios for: a review and the alert rules after it
    // read the same ones, and the window sums behind them are the dearest part of either.
    [ThreadStatic] private static Memo? t_memo;

    private sealed class Memo
    {
        public CustomerState? State;
        public AnalyticsOptions? Options;
        public long Events;
        public int Day;
        public (long, double, double?)? Engagement;
        public (long, long, double?)? Spend;

        public bool For(CustomerState state, int day, AnalyticsOptions o)
        {
            if (ReferenceEquals(State, state) && Events == state.EventCount && Day == day && ReferenceEquals(Options, o)) return true;
            (State, Events, Day, Options, Engagement, Spend) = (state, state.EventCount, day, o, null, null);
            return false;
        }
    }

    /// <summary>Interactions in the recent span, the weekly baseline before it, and their ratio (null below the guard).</summary>
    public static (long Recent, double BaselinePerWeek, double? Ratio) Engagement(CustomerState state, int asOfDay, AnalyticsOptions o)
    {
        var memo = t_memo ??= new Memo();
        if (memo.For(state, asOfDay, o) && memo.Engagement is { } known) return known;
        return (memo.Engagement = ReadEngagement(state, asOfDay, o)).Value;
    }

    /// <summary>Net spend in the recent span, in the same span before it, and their ratio (null below the guard).</summary>
    public static (long Recent, long Prior, double? Ratio) Spend(CustomerState state, int asOfDay, AnalyticsOptions o)
    {
        var memo = t_memo ??= new Memo();
        if (memo.For(state, asOfDay, o) && memo.Spend is { } known) return known;
        return (memo.Spend = ReadSpend(state, asOfDay, o)).Value;
    }

    private static (long Recent, double BaselinePerWeek, double? Ratio) ReadEngagement(CustomerState state, int asOfDay, AnalyticsOptions o)
    {
        var w = state.Windows;
        var recent = w.Sum(WindowCounter.Interactions, asOfDay, o.RecentDays);
        var baselinePerWeek = w.SumDailyBefore(WindowCounter.Interactions, asOfDay, o.RecentDays, o.BaselineDays) * 7.0 / o.BaselineDays;
        return (recent, baselinePerWeek, baselinePerWeek >= o.MinBaselinePerWeek ? recent * 7.0 / o.RecentDays / baselinePerWeek : null);
    }

    private static (long Recent, long Prior, double? Ratio) ReadSpend(CustomerState state, int asOfDay, AnalyticsOptions o)
    {
        var w = state.Windows;
        var spendWeeks = (o.SpendDays + 6) / 7;
        var prior = w.NetSpendWeeksBefore(asOfDay, spendWeeks);
        var recent = w.NetSpend(asOfDay, o.SpendDays);
        return (recent, prior, prior >= o.MinBaselineSpendUnits ? recent / (double)prior : null);
    }

    public static CustomerSignals Of(CustomerState state, int asOfDay, AnalyticsOptions o)
    {
        var w = state.Windows;
        var (recent, baselinePerWeek, engagement) = Engagement(state, asOfDay, o);
        var (recentSpend, prior, spendRatio) = Spend(state, asOfDay, o);

        var answers = w.Sum(WindowCounter.NpsAnswers, asOfDay, 90);
        return new CustomerSignals(
            recent,
            w.Sum(WindowCounter.Interactions, asOfDay, 30),
            w.Sum(WindowCounter.Purchases, asOfDay, 30),
            w.Sum(WindowCounter.Purchases, asOfDay, 90),
            w.Sum(WindowCounter.Purchases, asOfDay, 365),
            recentSpend,
            w.NetSpend(asOfDay, 365),
            w.Sum(WindowCounter.Complaints, asOfDay, 90),
            answers > 0 ? w.Sum(WindowCounter.NpsSum, asOfDay, 90) / (double)answers : null,
            baselinePerWeek,
            engagement,
            prior,
            spendRatio,
            state.PurchaseDays.CountDays(asOfDay - 364, asOfDay));
    }
}
