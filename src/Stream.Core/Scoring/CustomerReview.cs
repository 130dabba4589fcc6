using Stream.Core.Analytics;
using Stream.Core.Models;
using Stream.Core.State;

namespace Stream.Core.Scoring;

/// <summary>
/// Reviews one customer as of an event-time day: the status retention rules act on, and the next day on
/// which that status can change if the customer sends nothing more. Between a review and its next review
/// day the status is constant (a property test checks this), so a timer at that day — driven by the
/// watermark, not the wall clock — sees every change of a silent customer, exactly on the day it happens.
/// </summary>
public static class CustomerReview
{
    public static CustomerStatus Status(CustomerState s, int asOfDay, PopulationModel? model, AnalyticsOptions o)
    {
        var stage = Lifecycle.Classify(s, asOfDay, CustomerSignals.Engagement(s, asOfDay, o).Ratio, CustomerSignals.Spend(s, asOfDay, o).Ratio, o);
        RfmSegment? segment = null;
        ValueTier? tier = null;
        var days = s.PurchaseDays;
        if (model is not null)
        {
            tier = model.Tiers.Of(TierValue(s, asOfDay, o));
            if (days.DistinctDays > 0)
                segment = RfmSegments.Of(6 - model.RecencyDays.Bin(asOfDay - days.LastDay), model.Frequency.Bin(days.DistinctDays));
        }
        return new CustomerStatus(stage, segment, tier, ProbabilityAlive(s, asOfDay, model) < o.ChurnRiskThreshold);
    }

    /// <summary>Net spend over the tier window: what value tiers rank by.</summary>
    public static long TierValue(CustomerState s, int asOfDay, AnalyticsOptions o) =>
        s.Windows.NetSpend(asOfDay, o.TierValueDays);

    /// <summary>P(alive) of a repeat buyer; null for a one-time buyer (whose P(alive) is 1 by convention) or without a model.</summary>
    /// <remarks>The summary without the mean spend: the timer search below evaluates this several times per review.</remarks>
    public static double? ProbabilityAlive(CustomerState s, int asOfDay, PopulationModel? model) =>
        model?.Churn is { } churn && CustomerScores.Timing(s, asOfDay) is { Frequency: > 0 } m
            ? BgNbd.ProbabilityAlive(churn, m)
            : null;

    /// <summary>
    /// The first day after <paramref name="asOfDay"/> on which <see cref="Status"/> may differ, were no event to
    /// arrive; at most <see cref="AnalyticsOptions.MaxReviewDays"/> ahead, so population changes (new cut points,
    /// a refitted model) reach silent customers too. Candidates: lifecycle thresholds, recency crossing an R cut
    /// point, activity leaving a window the rules read, and P(alive) falling through the risk threshold.
    /// </summary>
    /// <param name="horizonDays">Overrides the maximum interval: a catch-up walk with one model needs no stop that
    /// only exists to pick up a newer model.</param>
    public static int NextReviewDay(CustomerState s, int asOfDay, PopulationModel? model, AnalyticsOptions o, int? horizonDays = null)
    {
        var next = asOfDay + Math.Max(1, horizonDays ?? o.MaxReviewDays);
        var days = s.PurchaseDays;
        if (days.DistinctDays > 0)
        {
            Consider(ref next, asOfDay, days.LastDay + (long)o.DormantDays);
            Consider(ref next, asOfDay, days.LastDay + (long)o.ChurnedDays);
            Consider(ref next, asOfDay, days.FirstDay + (long)o.NewDays);
            Consider(ref next, asOfDay, days.FirstDay + (long)o.MatureDays);
            // A purchase stops counting as "recent" (reactivation) NewDays after it.
            for (var d = Math.Max(asOfDay - o.NewDays + 1, days.LastDay - PurchaseDays.HorizonDays + 1); d <= days.LastDay; d++)
            {
                if (days.Contains(d)) Consider(ref next, asOfDay, d + (long)o.NewDays);
            }
            if (model is not null)
            {
                foreach (var upper in model.RecencyDays.Upper)
                {
                    if (upper is >= 0 and < int.MaxValue / 2) Consider(ref next, asOfDay, days.LastDay + upper + 1);
                }
            }
        }

        // Engagement: a day's interactions leave the recent span, enter the baseline, then leave it.
        var daily = s.Windows.Daily;
        for (var i = 0; i < daily.Count; i++)
        {
            if (daily.CounterAt(i, WindowCounter.Interactions) == 0) continue;
            var b = daily.BucketAt(i);
            Consider(ref next, asOfDay, b + (long)o.RecentDays);
            Consider(ref next, asOfDay, b + (long)o.RecentDays + o.BaselineDays);
        }
        // Spend trend and tier value: week-aligned windows move a week at a time.
        var spendWeeks = (o.SpendDays + 6) / 7;
        var weekly = s.Windows.Weekly;
        var weeklyMoney = weekly.BucketsWith(WindowCounter.SpendUnits, WindowCounter.RefundUnits);
        for (var m = weeklyMoney; m != 0; m &= m - 1)
        {
            var w = weekly.BucketAt(System.Numerics.BitOperations.TrailingZeroCount(m));
            Consider(ref next, asOfDay, 7L * (w + spendWeeks));
            Consider(ref next, asOfDay, 7L * (w + 2 * spendWeeks));
        }
        var dailyMoney = o.SpendDays <= ActivityWindows.DailyLength || o.TierValueDays <= ActivityWindows.DailyLength
            ? daily.BucketsWith(WindowCounter.SpendUnits, WindowCounter.RefundUnits)
            : 0;
        ConsiderWindowExit(s, o.SpendDays, asOfDay, dailyMoney, weeklyMoney, ref next);
        ConsiderWindowExit(s, o.TierValueDays, asOfDay, dailyMoney, weeklyMoney, ref next);

        // P(alive) only falls while nothing is bought: find the first day it is below the threshold.
        if (ProbabilityAlive(s, asOfDay, model) is { } now && now >= o.ChurnRiskThreshold
            && ProbabilityAlive(s, next, model) < o.ChurnRiskThreshold)
        {
            int lo = asOfDay, hi = next;
            while (hi - lo > 1)
            {
                var mid = lo + (hi - lo) / 2;
                if (ProbabilityAlive(s, mid, model) < o.ChurnRiskThreshold) hi = mid;
                else lo = mid;
            }
            Consider(ref next, asOfDay, hi);
        }
        return next;
    }

    private static void Consider(ref int next, int asOfDay, long day)
    {
        if (day > asOfDay && day < next) next = (int)day;
    }

    /// <summary>Days on which activity leaves a trailing window of <paramref name="lengthDays"/> (daily or week-aligned, as <see cref="ActivityWindows.Sum"/>).</summary>
    /// <remarks>Only spend and refunds count in these windows, so only buckets holding money are candidates.</remarks>
    /// <param name="dailyMoney">The daily buckets holding money (<see cref="BucketRing.BucketsWith"/>), and <paramref name="weeklyMoney"/> the weekly ones.</param>
    private static void ConsiderWindowExit(CustomerState s, int lengthDays, int asOfDay, ulong dailyMoney, ulong weeklyMoney, ref int next)
    {
        var daily = lengthDays <= ActivityWindows.DailyLength;
        var ring = daily ? s.Windows.Daily : s.Windows.Weekly;
        for (var m = daily ? dailyMoney : weeklyMoney; m != 0; m &= m - 1)
        {
            var bucket = ring.BucketAt(System.Numerics.BitOperations.TrailingZeroCount(m));
            Consider(ref next, asOfDay, daily ? bucket + (long)lengthDays : 7L * (bucket + (lengthDays + 6) / 7));
        }
    }
}
