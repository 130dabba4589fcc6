using Stream.Core.Analytics;

namespace Stream.Core.Scoring;

/// <summary>
/// The least contribution (money units) of each tier, read from a ranked population by
/// <see cref="ValueTiers.Assign"/>'s cumulative-share rule, so one customer can be placed without ranking
/// everybody. Customers equal to a threshold all join the higher tier.
/// </summary>
public sealed record TierThresholds(long PremiumMin, long GrowthMin, long PotentialMin)
{
    public static readonly TierThresholds None = new(long.MaxValue, long.MaxValue, long.MaxValue);

    public ValueTier Of(long valueUnits) =>
        valueUnits <= 0 ? ValueTier.Marginal
        : valueUnits >= PremiumMin ? ValueTier.Premium
        : valueUnits >= GrowthMin ? ValueTier.Growth
        : valueUnits >= PotentialMin ? ValueTier.Potential
        : ValueTier.Marginal;

    /// <summary>Thresholds of a population's contributions sorted descending.</summary>
    public static TierThresholds Of(ReadOnlySpan<long> descending, AnalyticsOptions o)
    {
        double total = 0;
        foreach (var v in descending)
        {
            if (v > 0) total += v;
        }
        if (total <= 0) return None;
        long premium = long.MaxValue, growth = long.MaxValue, potential = long.MaxValue;
        double cumulative = 0;
        foreach (var v in descending)
        {
            if (v <= 0) break;
            var before = cumulative / total;
            if (before < o.PremiumValueShare) premium = v;
            else if (before < o.GrowthValueShare) growth = v;
            else if (before < o.PotentialValueShare) potential = v;
            cumulative += v;
        }
        // An empty tier takes the bound of the one above it, so the order premium ≥ growth ≥ potential holds.
        growth = Math.Min(growth, premium);
        potential = Math.Min(potential, growth);
        return new TierThresholds(premium, growth, potential);
    }
}
