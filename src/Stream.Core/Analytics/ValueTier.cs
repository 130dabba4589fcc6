using Stream.Core.Events;

namespace Stream.Core.Analytics;

/// <summary>Value tiers by contribution share: differentiated service per tier.</summary>
public enum ValueTier
{
    Premium,
    Growth,
    Potential,
    Marginal,
}

/// <summary>
/// How a customer's potential (the tier its expected 12-month value would earn, ranked the same way) compares
/// with its tier today: rising customers are worth developing, falling ones worth retaining.
/// </summary>
public enum TierOutlook
{
    Rising,
    Steady,
    Falling,
}

/// <summary>One customer as the tier report sees it: contribution today, expected value (CLV), churn risk.</summary>
public readonly record struct TierMember(string CustomerId, long ValueUnits, double ExpectedValue, bool AtRisk);

/// <summary>
/// One tier's share of the customers and of the value (the Pareto picture of the base), with its share of the
/// expected 12-month value (potential) and the customers and value at churn risk.
/// </summary>
public sealed record TierShare(ValueTier Tier, int Customers, double CustomerShare, long ValueUnits, double ValueShare,
    double ExpectedValue, double ExpectedValueShare, int AtRisk, long ValueAtRiskUnits);

public static class ValueTiers
{
    /// <summary>
    /// Ranks customers by value (descending; ties by customer id) and closes each tier where the cumulative
    /// share of total value first reaches its threshold: the premium tier is the fewest customers that together
    /// make PremiumValueShare of value. Customers with no positive value are marginal.
    /// </summary>
    public static Dictionary<string, ValueTier> Assign(IReadOnlyList<(string CustomerId, long ValueUnits)> customers, AnalyticsOptions o)
    {
        var ranked = customers.OrderByDescending(c => c.ValueUnits).ThenBy(c => c.CustomerId, CustomerIdComparer.Instance).ToList();
        // In doubles, as the cumulative share is: a population can be worth more than a long holds.
        var total = ranked.Where(c => c.ValueUnits > 0).Sum(c => (double)c.ValueUnits);
        var tiers = new Dictionary<string, ValueTier>(ranked.Count, StringComparer.Ordinal);
        double cumulative = 0;
        foreach (var (id, value) in ranked)
        {
            // The customer is placed by the share reached before it, so each tier includes the one that crosses its line.
            var before = total > 0 ? cumulative / total : 1;
            tiers[id] = value <= 0 ? ValueTier.Marginal
                : before < o.PremiumValueShare ? ValueTier.Premium
                : before < o.GrowthValueShare ? ValueTier.Growth
                : before < o.PotentialValueShare ? ValueTier.Potential
                : ValueTier.Marginal;
            if (value > 0) cumulative += value;
        }
        return tiers;
    }

    public static IReadOnlyList<TierShare> Shares(IReadOnlyList<TierMember> customers, IReadOnlyDictionary<string, ValueTier> tiers)
    {
        // Shares in doubles; the units reported are held at long.MaxValue (Money.Total).
        var total = Math.Max(1, customers.Sum(c => (double)Math.Max(0, c.ValueUnits)));
        var expectedTotal = customers.Sum(c => Math.Max(0, c.ExpectedValue));
        return Enum.GetValues<ValueTier>().Select(t =>
        {
            var members = customers.Where(c => tiers[c.CustomerId] == t).ToList();
            var value = Money.Total(members.Select(c => c.ValueUnits));
            var share = members.Sum(c => (double)Math.Max(0, c.ValueUnits)) / total;
            var expected = members.Sum(c => Math.Max(0, c.ExpectedValue));
            var atRisk = members.Where(c => c.AtRisk).ToList();
            return new TierShare(t, members.Count, members.Count / (double)Math.Max(1, customers.Count), value, share,
                expected, expectedTotal > 0 ? expected / expectedTotal : 0, atRisk.Count, Money.Total(atRisk.Select(c => c.ValueUnits)));
        }).ToList();
    }

    /// <summary>Whether the potential tier is above (rising), equal to or below (falling) the tier today.</summary>
    public static TierOutlook Outlook(ValueTier today, ValueTier potential) =>
        potential < today ? TierOutlook.Rising : potential == today ? TierOutlook.Steady : TierOutlook.Falling;
}
