using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Models;

public static class RepeatPurchaseSummaries
{
    /// <summary>The models' view of a live customer as of a day; null for a customer who never purchased.</summary>
    public static RepeatPurchaseSummary? Of(CustomerState state, DateOnly asOf)
    {
        var days = state.PurchaseDays;
        if (days.DistinctDays == 0) return null;
        var x = days.DistinctDays - 1;
        var repeatSpend = Money.FromUnits(state.AmountUnits(EventType.Purchase) - days.FirstDaySpendUnits);
        return new RepeatPurchaseSummary(x, days.LastDay - days.FirstDay, EpochDays.Of(asOf) - days.FirstDay, x > 0 ? (double)(repeatSpend / x) : 0);
    }
}
