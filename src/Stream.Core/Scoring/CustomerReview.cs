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
        var signals = CustomerSignals.Of(s, asOfDay, o);
        var stage = Lifecycle.Classify(s, asOfDay, signals, o);
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
        s.Windows.Sum(WindowCounter.SpendUnits, asOfDay, o.TierValueDays) - s.Windows.Sum(WindowCounter.RefundUnits, asOfDay, o.TierValueDays);

    /// <summary>P(alive) of a repeat buyer; null for a one-time buyer (whose P(alive) is 1 by convention) or without a model.</summary>
    public static double? ProbabilityAlive(CustomerState s, int asOfDay, PopulationModel? model) =>
        model?.Churn is { } churn && CustomerScores.Summary(s, asOfDay) is { Frequency: > 0 } m ? BgNbd.ProbabilityAlive(churn, m) : null;

    /// <summary>
    /// The first day after <paramref name="asOfDay"/> on which <see cref="Status"/> may differ, were no event to
    /// arrive; at most <see cref="AnalyticsOptions.MaxReviewDays"/> ahead, so population changes (new cut points,
    /// a refitted model) reach silent customers too. Candidates: lifecycle thresholds, recency crossing an R cut
    /// point, activity leaving a window the rules read, and P(alive) falling through the risk threshold.
    /// </summary>
    public static int NextReviewDay(CustomerState s, int asOfDay, PopulationModel? model, AnalyticsOptions o)
    {
        var next = asOfDay + Math.Max(1, o.MaxReviewDays);
        void Consider(long day)
        {
            if (day > asOfDay && day < next) next = (int)day;
        }

        var days = s.PurchaseDays;
        if (days.DistinctDays > 0)
        {
            Consider(days.LastDay + (long)o.DormantDays);
            Consider(days.LastDay + (long)o.ChurnedDays);
            Consider(days.FirstDay + (long)o.NewDays);
            Consider(days.FirstDay + (long)o.MatureDays);
            // A purchase stops counting as "recent" (reactivation) NewDays after it.
            for (var d = Math.Max(asOfDay - o.NewDays + 1, days.LastDay - PurchaseDays.HorizonDays + 1); d <= days.LastDay; d++)
            {
                if (days.Contains(d)) Consider(d + (long)o.NewDays);
            }
            if (model is not null)
            {
                foreach (var upper in model.RecencyDays.Upper)
                {
                    if (upper is >= 0 and < int.MaxValue / 2) Consider(days.LastDay + upper + 1);
                }
            }
        }

        // Engagement: a day's interactions leave the recent span, enter the baseline, then leave it.
        foreach (var b in s.Windows.Daily.Buckets)
        {
            Consider(b + (long)o.RecentDays);
            Consider(b + (long)o.RecentDays + o.BaselineDays);
        }
        // Spend trend and tier value: week-aligned windows move a week at a time.
        var spendWeeks = (o.SpendDays + 6) / 7;
        foreach (var w in s.Windows.Weekly.Buckets)
        {
            Consider(7L * (w + spendWeeks));
            Consider(7L * (w + 2 * spendWeeks));
        }
        ConsiderWindowExit(s, o.SpendDays, Consider);
        ConsiderWindowExit(s, o.TierValueDays, Consider);

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
            Consider(hi);
        }
        return next;
    }

    /// <summary>Days on which activity leaves a trailing window of <paramref name="lengthDays"/> (daily or week-aligned, as <see cref="ActivityWindows.Sum"/>).</summary>
    private static void ConsiderWindowExit(CustomerState s, int lengthDays, Action<long> consider)
    {
        if (lengthDays <= ActivityWindows.DailyLength)
        {
            foreach (var b in s.Windows.Daily.Buckets) consider(b + (long)lengthDays);
        }
        else
        {
            var weeks = (lengthDays + 6) / 7;
            foreach (var w in s.Windows.Weekly.Buckets) consider(7L * (w + weeks));
        }
    }
}
