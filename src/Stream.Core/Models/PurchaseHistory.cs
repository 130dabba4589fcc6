namespace Stream.Core.Models;

/// <summary>
/// Builds the models' per-customer summaries from raw purchases, as the batch libraries define them:
/// purchases are grouped into purchase days (amounts summed per day); frequency = purchase days − 1;
/// recency = days from the first to the last purchase day; T = days from the first purchase day to the
/// observation end; monetary value = mean spend of the repeat purchase days (0 when there are none).
/// Purchases after the observation end are ignored.
/// </summary>
public static class PurchaseHistory
{
    public static Dictionary<string, RepeatPurchaseSummary> Summarise(IEnumerable<(string CustomerId, DateOnly Day, decimal Amount)> purchases, DateOnly observationEnd)
    {
        var days = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        foreach (var (id, day, amount) in purchases)
        {
            if (day > observationEnd) continue;
            if (!days.TryGetValue(id, out var perDay)) days[id] = perDay = [];
            perDay[day] = perDay.GetValueOrDefault(day) + amount;
        }
        return days.ToDictionary(kv => kv.Key, kv => Summary(kv.Value, observationEnd), StringComparer.Ordinal);
    }

    private static RepeatPurchaseSummary Summary(SortedDictionary<DateOnly, decimal> perDay, DateOnly end)
    {
        var first = perDay.Keys.First();
        var last = perDay.Keys.Last();
        var frequency = perDay.Count - 1;
        // Float64 sums, in day order, as the reference computes them (so 27.139999999999997 stays that).
        var repeatSpend = perDay.Skip(1).Sum(d => (double)d.Value);
        return new RepeatPurchaseSummary(frequency, last.DayNumber - first.DayNumber, end.DayNumber - first.DayNumber,
            frequency > 0 ? repeatSpend / frequency : 0);
    }

    /// <summary>Repeat purchase days strictly after <paramref name="after"/> and up to <paramref name="end"/>, per customer.</summary>
    public static Dictionary<string, int> PurchaseDaysBetween(IEnumerable<(string CustomerId, DateOnly Day, decimal Amount)> purchases, DateOnly after, DateOnly end) =>
        purchases.Where(p => p.Day > after && p.Day <= end).GroupBy(p => p.CustomerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Day).Distinct().Count(), StringComparer.Ordinal);
}
