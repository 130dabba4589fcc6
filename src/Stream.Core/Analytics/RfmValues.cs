using Stream.Core.State;

namespace Stream.Core.Analytics;

/// <summary>
/// One customer's raw RFM values as of a day: recency in days since the last purchase day, frequency as
/// distinct purchase days, monetary as net spend (purchases minus refunds) in <see cref="Events.Money"/> units.
/// </summary>
public readonly record struct RfmValues(string CustomerId, int RecencyDays, int Frequency, long MonetaryUnits, int FirstPurchaseDay, int LastPurchaseDay)
{
    /// <summary>
    /// RFM over the <paramref name="windowDays"/> days ending on <paramref name="asOf"/> (null: all time): frequency
    /// counts distinct purchase days in the window (exact, from the purchase-day bitmap), monetary is net spend
    /// in the window (its bucket semantics, see <see cref="ActivityWindows"/>). Null for a customer who never
    /// purchased; one with no purchase in the window has frequency and monetary 0.
    /// </summary>
    public static RfmValues? Of(string customerId, CustomerState state, DateOnly asOf, int? windowDays)
    {
        if (windowDays is not { } w) return AllTime(customerId, state, asOf);
        if (w is < 1 or > 365) throw new ArgumentOutOfRangeException(nameof(windowDays), w, "RFM windows are 1–365 days, or all time");
        var days = state.PurchaseDays;
        if (days.DistinctDays == 0) return null;
        var asOfDay = EpochDays.Of(asOf);
        var frequency = days.CountDays(asOfDay - w + 1, asOfDay);
        var monetary = state.Windows.NetSpend(asOfDay, w);
        return new RfmValues(customerId, asOfDay - days.LastDay, frequency, monetary, days.FirstDay, days.LastDay);
    }

    /// <summary>All-time RFM from lifetime state; null for a customer who never purchased.</summary>
    public static RfmValues? AllTime(string customerId, CustomerState state, DateOnly asOf)
    {
        var days = state.PurchaseDays;
        if (days.DistinctDays == 0) return null;
        var monetary = state.AmountUnits(Events.EventType.Purchase) - state.AmountUnits(Events.EventType.Refund);
        return new RfmValues(customerId, EpochDays.Of(asOf) - days.LastDay, days.DistinctDays, monetary, days.FirstDay, days.LastDay);
    }
}
