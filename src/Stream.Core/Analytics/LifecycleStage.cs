using Stream.Core.State;

namespace Stream.Core.Analytics;

public enum LifecycleStage
{
    /// <summary>Known, but never purchased.</summary>
    Prospect,
    New,
    Active,
    Growing,
    Mature,
    Declining,
    Dormant,
    Churned,
    Reactivated,
}

/// <summary>
/// Lifecycle rules, tried in order (see docs/analytics.md): prospect (no purchase) → churned (no purchase for
/// ChurnedDays) → dormant (DormantDays) → new (first purchase within NewDays) → reactivated (a purchase within
/// NewDays after a gap of at least DormantDays) → declining (spend or engagement drop) → growing (spend ratio
/// ≥ GrowthRatio) → mature (customer for MatureDays) → active.
/// </summary>
public static class Lifecycle
{
    public static LifecycleStage Classify(CustomerState state, int asOfDay, CustomerSignals signals, AnalyticsOptions o) =>
        Classify(state, asOfDay, signals.EngagementRatio, signals.SpendRatio, o);

    /// <summary>The same rules from the two ratios they read (the review's lean path: no other signal is computed).</summary>
    public static LifecycleStage Classify(CustomerState state, int asOfDay, double? engagementRatio, double? spendRatio, AnalyticsOptions o)
    {
        var days = state.PurchaseDays;
        if (days.DistinctDays == 0) return LifecycleStage.Prospect;
        var sinceLast = asOfDay - days.LastDay;
        if (sinceLast >= o.ChurnedDays) return LifecycleStage.Churned;
        if (sinceLast >= o.DormantDays) return LifecycleStage.Dormant;
        if (asOfDay - days.FirstDay < o.NewDays) return LifecycleStage.New;
        if (sinceLast < o.NewDays && GapBeforeRecentPurchases(days, asOfDay - o.NewDays) >= o.DormantDays) return LifecycleStage.Reactivated;
        if (spendRatio < o.DropRatio || engagementRatio < o.DropRatio) return LifecycleStage.Declining;
        if (spendRatio >= o.GrowthRatio) return LifecycleStage.Growing;
        if (asOfDay - days.FirstDay >= o.MatureDays) return LifecycleStage.Mature;
        return LifecycleStage.Active;
    }

    /// <summary>Days between the first purchase after <paramref name="since"/> and the last one on or before it.</summary>
    private static int GapBeforeRecentPurchases(PurchaseDays days, int since)
    {
        var firstRecent = since + 1;
        while (firstRecent <= days.LastDay && !days.Contains(firstRecent)) firstRecent++;
        for (var d = since; d > days.LastDay - PurchaseDays.HorizonDays; d--)
        {
            if (days.Contains(d)) return firstRecent - d;
        }
        // Nothing earlier inside the bitmap's horizon: the gap is at least as long as the horizon allows.
        return days.FirstDay < firstRecent && days.DistinctDays > 1 ? firstRecent - (days.LastDay - PurchaseDays.HorizonDays) : 0;
    }
}
