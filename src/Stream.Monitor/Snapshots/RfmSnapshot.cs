using System.Globalization;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Snapshots;

/// <summary>
/// Every customer's RFM values, population scores and segment as of a day, computed from the live state in
/// Redis (all-time window: lifetime recency, distinct purchase days and net spend). Scores are exact: the whole
/// population is ranked in memory, which a few million customers fit.
/// </summary>
public static class RfmSnapshot
{
    public static async Task<IReadOnlyList<RfmScore>> BuildAsync(CustomerStateStore store, int partitions, DateOnly asOf)
    {
        var values = new List<RfmValues>();
        for (var p = 0; p < partitions; p++)
        {
            await foreach (var (id, bytes) in store.ScanAsync(p))
            {
                if (RfmValues.AllTime(id, CustomerStateCodec.Decode(bytes), asOf) is { } v) values.Add(v);
            }
        }
        values.Sort((a, b) => CustomerIdComparer.Instance.Compare(a.CustomerId, b.CustomerId));
        return RfmScorer.Score(values);
    }

    public const string Header = "customer_id,first_purchase,last_purchase,recency_days,frequency,monetary,r_rank,f_rank,m_rank,R,F,M,rfm_score,segment";

    /// <summary>The snapshot as CSV, one row per customer in customer-id order (the layout of the CDNOW reference).</summary>
    public static async Task WriteCsvAsync(TextWriter output, IReadOnlyList<RfmScore> scores)
    {
        await output.WriteLineAsync(Header);
        foreach (var s in scores)
        {
            var v = s.Values;
            await output.WriteLineAsync(string.Join(',',
                v.CustomerId,
                EpochDays.ToDate(v.FirstPurchaseDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                EpochDays.ToDate(v.LastPurchaseDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                v.RecencyDays.ToString(CultureInfo.InvariantCulture),
                v.Frequency.ToString(CultureInfo.InvariantCulture),
                Money.FromUnits(v.MonetaryUnits).ToString("0.00", CultureInfo.InvariantCulture),
                s.RecencyRank.ToString(CultureInfo.InvariantCulture),
                s.FrequencyRank.ToString(CultureInfo.InvariantCulture),
                s.MonetaryRank.ToString(CultureInfo.InvariantCulture),
                s.R.ToString(CultureInfo.InvariantCulture),
                s.F.ToString(CultureInfo.InvariantCulture),
                s.M.ToString(CultureInfo.InvariantCulture),
                s.Code,
                s.Segment.DisplayName()));
        }
    }
}
