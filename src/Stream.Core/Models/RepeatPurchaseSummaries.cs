using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Models;

public static class RepeatPurchaseSummaries
{
    /// <summary>The models' view of a live customer as of a day; null for a customer who never purchased.</summary>
    public static RepeatPurchaseSummary? Of(CustomerState state, DateOnly asOf)
    {
        if (Timing(state, EpochDays.Of(asOf)) is not { } timing) return null;
        var x = timing.Frequency;
        var repeatSpend = Money.FromUnits(state.AmountUnits(EventType.Purchase) - state.PurchaseDays.FirstDaySpendUnits);
        return timing with { MonetaryValue = x > 0 ? (double)(repeatSpend / (decimal)x) : 0 };
    }

    /// <summary>
    /// Frequency, recency and age as of <paramref name="asOfDay"/>, without the mean spend (0), which the churn
    /// model does not read and which costs a decimal division; null for a customer who never purchased.
    /// </summary>
    public static RepeatPurchaseSummary? Timing(CustomerState state, int asOfDay)
    {
        var days = state.PurchaseDays;
        return days.DistinctDays == 0 ? null : new RepeatPurchaseSummary(days.DistinctDays - 1, days.LastDay - days.FirstDay, asOfDay - days.FirstDay, 0);
    }
}
