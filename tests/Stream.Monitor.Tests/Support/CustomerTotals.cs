using System.Globalization;
using System.Text;
using System.Text.Json;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Monitor.Tests.Support;

/// <summary>
/// What the recount and the pipeline both say about a customer, in one comparable form: the recount's
/// <see cref="ExpectedCustomer"/>, a stored <see cref="CustomerState"/>, or the API's customer view.
/// Counts and amounts list the types seen, amounts by value (15.00 and 15 are one amount).
/// </summary>
public sealed record CustomerTotals(long EventCount, string Counts, string Amounts, int PurchaseDays, DateOnly? FirstPurchaseDay,
    DateOnly? LastPurchaseDay, long FirstEventAtMs, long LastEventAtMs)
{
    public static CustomerTotals Of(ExpectedCustomer c) => new(c.EventCount, Join(c.Counts), Join(c.Amounts), c.PurchaseDays.Count,
        c.PurchaseDays.Count > 0 ? c.PurchaseDays.Min : null, c.PurchaseDays.Count > 0 ? c.PurchaseDays.Max : null,
        c.FirstEventAt.ToUnixTimeMilliseconds(), c.LastEventAt.ToUnixTimeMilliseconds());

    public static CustomerTotals Of(CustomerState s)
    {
        var seen = EventTypes.All.Where(t => s.Count(t) > 0).ToList();
        var days = s.PurchaseDays;
        return new(s.EventCount, Join(seen.ToDictionary(t => t.WireName(), s.Count)),
            Join(seen.Where(t => t.CarriesAmount()).ToDictionary(t => t.WireName(), t => Money.FromUnits(s.AmountUnits(t)))),
            days.DistinctDays, days.DistinctDays > 0 ? Core.Analytics.EpochDays.ToDate(days.FirstDay) : null,
            days.DistinctDays > 0 ? Core.Analytics.EpochDays.ToDate(days.LastDay) : null, s.FirstEventAtMs, s.LastEventAtMs);
    }

    /// <summary>From <c>GET /api/customers/{id}</c>.</summary>
    public static CustomerTotals Of(JsonElement view)
    {
        static DateOnly? Day(JsonElement e) => e.ValueKind == JsonValueKind.String ? DateOnly.Parse(e.GetString()!, CultureInfo.InvariantCulture) : null;
        return new(view.GetProperty("eventCount").GetInt64(),
            Join(view.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32())),
            Join(view.GetProperty("amounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDecimal())),
            view.GetProperty("distinctPurchaseDays").GetInt32(), Day(view.GetProperty("firstPurchaseDay")), Day(view.GetProperty("lastPurchaseDay")),
            view.GetProperty("firstEventAt").GetDateTimeOffset().ToUnixTimeMilliseconds(), view.GetProperty("lastEventAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    /// <summary>Empty when <paramref name="got"/> says what <paramref name="expected"/> says; otherwise each difference.</summary>
    public static string Differences(CustomerTotals expected, CustomerTotals got)
    {
        var diff = new StringBuilder();
        void Check<T>(string what, T want, T have)
        {
            if (!EqualityComparer<T>.Default.Equals(want, have)) diff.Append(CultureInfo.InvariantCulture, $"{what} {have} (expected {want}) ");
        }
        Check("eventCount", expected.EventCount, got.EventCount);
        Check("counts", expected.Counts, got.Counts);
        Check("amounts", expected.Amounts, got.Amounts);
        Check("distinctPurchaseDays", expected.PurchaseDays, got.PurchaseDays);
        Check("firstPurchaseDay", expected.FirstPurchaseDay, got.FirstPurchaseDay);
        Check("lastPurchaseDay", expected.LastPurchaseDay, got.LastPurchaseDay);
        Check("firstEventAt", expected.FirstEventAtMs, got.FirstEventAtMs);
        Check("lastEventAt", expected.LastEventAtMs, got.LastEventAtMs);
        return diff.ToString();
    }

    private static string Join<T>(IEnumerable<KeyValuePair<string, T>> values) =>
        string.Join(",", values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + (kv.Value is decimal d
            ? d.ToString("0.############", CultureInfo.InvariantCulture)
            : Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));
}
