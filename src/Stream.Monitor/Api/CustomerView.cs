using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Monitor.Api;

/// <summary>The API's JSON view of one customer's state.</summary>
public sealed record CustomerView(
    string CustomerId,
    DateTimeOffset FirstEventAt,
    DateTimeOffset LastEventAt,
    long EventCount,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyDictionary<string, decimal> Amounts,
    int DistinctPurchaseDays,
    DateOnly? FirstPurchaseDay,
    DateOnly? LastPurchaseDay,
    ProfileView? Profile,
    DateOnly AsOf,
    string Stage,
    CustomerSignals Signals)
{
    public static CustomerView From(string customerId, CustomerState s, DateTimeOffset asOf, AnalyticsOptions options)
    {
        var day = EpochDays.Of(DateOnly.FromDateTime(asOf.UtcDateTime));
        var signals = CustomerSignals.Of(s, day, options);
        return From(customerId, s, DateOnly.FromDateTime(asOf.UtcDateTime), Lifecycle.Classify(s, day, signals, options).ToString().ToLowerInvariant(), signals);
    }

    private static CustomerView From(string customerId, CustomerState s, DateOnly asOf, string stage, CustomerSignals signals) => new(
        customerId,
        DateTimeOffset.FromUnixTimeMilliseconds(s.FirstEventAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(s.LastEventAtMs),
        s.EventCount,
        EventTypes.All.Where(t => s.Count(t) > 0).ToDictionary(t => t.WireName(), s.Count),
        EventTypes.All.Where(t => t.CarriesAmount() && s.Count(t) > 0).ToDictionary(t => t.WireName(), t => Money.FromUnits(s.AmountUnits(t))),
        s.PurchaseDays.DistinctDays,
        s.PurchaseDays.DistinctDays > 0 ? EpochDays.ToDate(s.PurchaseDays.FirstDay) : null,
        s.PurchaseDays.DistinctDays > 0 ? EpochDays.ToDate(s.PurchaseDays.LastDay) : null,
        s.Profile is { } p ? new ProfileView(p.CustomerType.ToString().ToLowerInvariant(), p.Industry, p.Region, p.SignupDate) : null,
        asOf,
        stage,
        signals);
}

public sealed record ProfileView(string CustomerType, string? Industry, string? Region, DateOnly? SignupDate);
