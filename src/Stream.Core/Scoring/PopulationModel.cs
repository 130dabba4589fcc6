using Stream.Core.Models;

namespace Stream.Core.Scoring;

/// <summary>
/// What scoring one customer needs to know about everybody else: RFM quintile cut points (all-time window),
/// value-tier thresholds, and the fitted churn (BG/NBD) and spend (Gamma-Gamma) models, all read from the
/// population as of one event-time day. Versioned: every score names the version that produced it.
/// </summary>
/// <param name="Sampled">True when the population exceeded the exact limit and the cut points come from a
/// uniform sample of <see cref="SampleSize"/> customers.</param>
/// <param name="RankError">Bound on how far (as a share of the population) a sampled cut point's true rank can be
/// from its target, with 99% confidence (Dvoretzky–Kiefer–Wolfowitz); 0 when exact.</param>
/// <param name="ModelProblem">Why <see cref="Churn"/> and <see cref="Spend"/> are absent, if they are.</param>
/// <param name="Potential">Tier thresholds on the expected 12-month value (CLV, money units): the tier a customer's
/// potential earns by the same cumulative-share rule as contribution. Null without value models.</param>
public sealed record PopulationModel(
    long Version,
    int AsOfDay,
    int Customers,
    int Purchasers,
    bool Sampled,
    int SampleSize,
    double RankError,
    QuintileEdges RecencyDays,
    QuintileEdges Frequency,
    QuintileEdges Monetary,
    TierThresholds Tiers,
    BgNbdParameters? Churn,
    GammaGammaParameters? Spend,
    double? ChurnLogLikelihood,
    double? SpendLogLikelihood,
    DateTimeOffset BuiltAt,
    string? ModelProblem = null,
    TierThresholds? Potential = null)
{
    /// <summary>Whether the churn and spend models are usable (enough repeat buyers to fit them).</summary>
    public bool HasValueModels => Churn is not null && Spend is not null;
}
