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
    ProfileView? Profile)
{
    public static CustomerView From(string customerId, CustomerState s) => new(
        customerId,
        DateTimeOffset.FromUnixTimeMilliseconds(s.FirstEventAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(s.LastEventAtMs),
        s.EventCount,
        EventTypes.All.Where(t => s.Count(t) > 0).ToDictionary(t => t.WireName(), s.Count),
        EventTypes.All.Where(t => t.CarriesAmount() && s.Count(t) > 0).ToDictionary(t => t.WireName(), t => Money.FromUnits(s.AmountUnits(t))),
        s.PurchaseDays.DistinctDays,
        s.PurchaseDays.DistinctDays > 0 ? DateOnly.FromDayNumber(s.PurchaseDays.FirstDay + EpochDay) : null,
        s.PurchaseDays.DistinctDays > 0 ? DateOnly.FromDayNumber(s.PurchaseDays.LastDay + EpochDay) : null,
        s.Profile is { } p ? new ProfileView(p.CustomerType.ToString().ToLowerInvariant(), p.Industry, p.Region, p.SignupDate) : null);

    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
}

public sealed record ProfileView(string CustomerType, string? Industry, string? Region, DateOnly? SignupDate);
