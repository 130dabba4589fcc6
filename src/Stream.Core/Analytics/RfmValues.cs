using Stream.Core.State;

namespace Stream.Core.Analytics;

/// <summary>
/// One customer's raw RFM values as of a day: recency in days since the last purchase day, frequency as
/// distinct purchase days, monetary as net spend (purchases minus refunds) in <see cref="Events.Money"/> units.
/// </summary>
public readonly record struct RfmValues(string CustomerId, int RecencyDays, int Frequency, long MonetaryUnits, int FirstPurchaseDay, int LastPurchaseDay)
{
    /// <summary>All-time RFM from lifetime state; null for a customer who never purchased.</summary>
    public static RfmValues? AllTime(string customerId, CustomerState state, DateOnly asOf)
    {
        var days = state.PurchaseDays;
        if (days.DistinctDays == 0) return null;
        var monetary = state.AmountUnits(Events.EventType.Purchase) - state.AmountUnits(Events.EventType.Refund);
        return new RfmValues(customerId, EpochDays.Of(asOf) - days.LastDay, days.DistinctDays, monetary, days.FirstDay, days.LastDay);
    }
}
