using Stream.Core.Events;

namespace Stream.Core.Tests.Alerts;

/// <summary>The events the alert tests build states from: one at 09:00 UTC of an epoch day, a purchase of 10 USD.</summary>
internal static class AlertTestEvents
{
    public static CustomerEvent On(int epochDay, EventType type, string id) => type == EventType.Purchase
        ? new CustomerEvent { EventId = id, CustomerId = "c", OccurredAt = DateTimeOffset.UnixEpoch.AddDays(epochDay).AddHours(9), Type = type, OrderId = id, Amount = 10m, Currency = "USD" }
        : new CustomerEvent { EventId = id, CustomerId = "c", OccurredAt = DateTimeOffset.UnixEpoch.AddDays(epochDay).AddHours(9), Type = type };
}
