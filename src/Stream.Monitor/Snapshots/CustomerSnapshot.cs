using System.Globalization;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Storage;
using Stream.Core.Text;

namespace Stream.Monitor.Snapshots;

/// <summary>
/// One customer in a snapshot; <see cref="Rfm"/> is null for a prospect (no purchase yet). <see cref="Potential"/>
/// is the tier the customer's 12-month CLV earns when the population is ranked by CLV; null without value models.
/// <see cref="ContributionUnits"/> is what tiers rank: net spend over <c>TierValueDays</c>.
/// </summary>
public sealed record SnapshotRow(string CustomerId, RfmScore? Rfm, ValueTier Tier, LifecycleStage Stage, CustomerSignals Signals, CustomerScores? Value,
    CustomerProfile? Profile, ValueTier? Potential, long ContributionUnits)
{
    public TierOutlook? Outlook => Potential is { } p ? ValueTiers.Outlook(Tier, p) : null;
}

public sealed record CustomerSnapshotResult(
    DateOnly AsOf,
    IReadOnlyList<SnapshotRow> Rows,
    IReadOnlyList<TierShare> Tiers,
    PopulationModel Model);

/// <summary>
/// Every customer's RFM values, population scores and segment (all-time window), value tier, lifecycle stage
/// windowed signals, model scores and potential tier as of a day, from the live state in Redis. RFM uses all time unless a window is given. Scores and tiers are exact: the whole
/// population is ranked in memory, which a few million customers fit.
/// </summary>
public static class CustomerSnapshot
{
    /// <param name="rfmWindowDays">The RFM window in days (1–365); null for all time.</param>
    public static async Task<CustomerSnapshotResult> BuildAsync(CustomerStateStore store, int partitions, DateOnly asOf, AnalyticsOptions options,
        int? rfmWindowDays = null)
    {
        var asOfDay = EpochDays.Of(asOf);
        var customers = new List<(string Id, CustomerState State, CustomerSignals Signals)>();
        for (var p = 0; p < partitions; p++)
        {
            await foreach (var (id, bytes) in store.ScanAsync(p))
            {
                var state = CustomerStateCodec.Decode(bytes);
                customers.Add((id, state, CustomerSignals.Of(state, asOfDay, options)));
            }
        }
        customers.Sort((a, b) => CustomerIdComparer.Instance.Compare(a.Id, b.Id));

        var values = customers.Select(c => RfmValues.Of(c.Id, c.State, asOf, rfmWindowDays)).Where(v => v is not null).Select(v => v!.Value).ToList();
        var rfm = RfmScorer.Score(values).ToDictionary(s => s.Values.CustomerId, StringComparer.Ordinal);
        var tierInput = customers.Select(c => (c.Id, CustomerReview.TierValue(c.State, asOfDay, options))).ToList();
        var tiers = ValueTiers.Assign(tierInput, options);

        // The churn and spend models are fitted on this population as of the snapshot day, as the monitor's
        // background model is (version 0: made for this snapshot, not stored).
        var builder = new PopulationModelBuilder(asOfDay, options, exactLimit: Math.Max(1, customers.Count));
        foreach (var c in customers) builder.Add(c.State);
        var model = builder.Build(0, DateTimeOffset.UtcNow);
        var scores = customers.Select(c => CustomerScores.Of(c.State, asOfDay, model)).ToList();

        // Potential: the same cumulative-share ranking on expected 12-month value instead of contribution.
        var members = customers.Select((c, i) => new TierMember(c.Id, tierInput[i].Item2, scores[i]?.Clv12m ?? 0,
            scores[i]?.ProbabilityAlive < options.ChurnRiskThreshold)).ToList();
        var potential = model.HasValueModels
            ? ValueTiers.Assign(members.Select(m => (m.CustomerId, Money.ToUnits(m.ExpectedValue))).ToList(), options)
            : null;
        var rows = customers.Select((c, i) => new SnapshotRow(c.Id, rfm.GetValueOrDefault(c.Id), tiers[c.Id],
            Lifecycle.Classify(c.State, asOfDay, c.Signals, options), c.Signals, scores[i], c.State.Profile, potential?[c.Id], tierInput[i].Item2)).ToList();
        return new CustomerSnapshotResult(asOf, rows, ValueTiers.Shares(members, tiers), model);
    }

    /// <summary>The first 14 columns are the layout of the CDNOW RFM reference.</summary>
    public const string Header = "customer_id,first_purchase,last_purchase,recency_days,frequency,monetary,r_rank,f_rank,m_rank,R,F,M,rfm_score,segment,"
        + "tier,stage,purchases_30d,purchases_90d,purchases_365d,net_spend_365d,interactions_7d,engagement_ratio,complaints_90d,avg_nps_90d,"
        + "p_alive,expected_purchases_90d,clv_12m,potential_tier,outlook";

    public static async Task WriteCsvAsync(TextWriter output, CustomerSnapshotResult snapshot)
    {
        await output.WriteLineAsync(Header);
        foreach (var row in snapshot.Rows)
        {
            var rfm = row.Rfm is { } s
                ? string.Join(',',
                    Date(s.Values.FirstPurchaseDay), Date(s.Values.LastPurchaseDay), Int(s.Values.RecencyDays), Int(s.Values.Frequency),
                    Money.FromUnits(s.Values.MonetaryUnits).ToString("0.00", CultureInfo.InvariantCulture),
                    Int(s.RecencyRank), Int(s.FrequencyRank), Int(s.MonetaryRank), Int(s.R), Int(s.F), Int(s.M), s.Code, s.Segment.DisplayName())
                : ",,,,,,,,,,,,";
            var g = row.Signals;
            await output.WriteLineAsync(string.Join(',', row.CustomerId, rfm,
                row.Tier.LowerName(), row.Stage.LowerName(),
                g.Purchases30d.ToString(CultureInfo.InvariantCulture), g.Purchases90d.ToString(CultureInfo.InvariantCulture),
                g.Purchases365d.ToString(CultureInfo.InvariantCulture), Money.FromUnits(g.NetSpend365dUnits).ToString("0.00", CultureInfo.InvariantCulture),
                g.Interactions7d.ToString(CultureInfo.InvariantCulture), g.EngagementRatio?.ToString("0.###", CultureInfo.InvariantCulture) ?? "",
                g.Complaints90d.ToString(CultureInfo.InvariantCulture), g.AverageNps90d?.ToString("0.##", CultureInfo.InvariantCulture) ?? "",
                row.Value?.ProbabilityAlive.ToString("R", CultureInfo.InvariantCulture) ?? "",
                row.Value?.ExpectedPurchases90d.ToString("R", CultureInfo.InvariantCulture) ?? "",
                row.Value?.Clv12m.ToString("R", CultureInfo.InvariantCulture) ?? "",
                row.Potential?.LowerName() ?? "", row.Outlook?.LowerName() ?? ""));
        }
    }

    private static string Date(int epochDay) => EpochDays.ToDate(epochDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
