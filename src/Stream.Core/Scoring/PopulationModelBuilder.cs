using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.State;

namespace Stream.Core.Scoring;

/// <summary>
/// Reads a population one customer at a time and builds a <see cref="PopulationModel"/>. Up to
/// <c>exactLimit</c> customers everything is exact; beyond it a seeded uniform reservoir sample of that size
/// stands for the population (Algorithm R), so memory stays bounded and the error is documented
/// (<see cref="PopulationModel.RankError"/>).
/// </summary>
public sealed class PopulationModelBuilder(int asOfDay, AnalyticsOptions options, int exactLimit = 1_000_000, int seed = 20260101)
{
    /// <summary>Repeat buyers needed before the churn and spend models are fitted.</summary>
    public const int MinimumRepeatCustomers = 50;

    private readonly List<Member> _sample = [];
    private readonly Random _random = new(seed);
    private int _seen;
    private int _purchasers;

    private readonly record struct Member(int RecencyDays, int Frequency, long MonetaryUnits, long TierValueUnits, RepeatPurchaseSummary? Summary);

    public int Seen => _seen;

    public void Add(CustomerState state)
    {
        var asOf = EpochDays.ToDate(asOfDay);
        var rfm = RfmValues.AllTime("", state, asOf);
        var member = new Member(rfm?.RecencyDays ?? -1, rfm?.Frequency ?? 0, rfm?.MonetaryUnits ?? 0, CustomerReview.TierValue(state, asOfDay, options),
            RepeatPurchaseSummaries.Of(state, asOf));
        if (rfm is not null) _purchasers++;
        _seen++;
        if (_sample.Count < exactLimit) _sample.Add(member);
        else
        {
            var j = _random.NextInt64(_seen);
            if (j < exactLimit) _sample[(int)j] = member;
        }
    }

    public PopulationModel Build(long version, DateTimeOffset builtAt)
    {
        var buyers = _sample.Where(m => m.RecencyDays >= 0).ToList();
        long[] Sorted(Func<Member, long> value)
        {
            var values = buyers.Select(value).ToArray();
            Array.Sort(values);
            return values;
        }
        var tierValues = _sample.Select(m => m.TierValueUnits).ToArray();
        Array.Sort(tierValues, (a, b) => b.CompareTo(a));

        var summaries = _sample.Where(m => m.Summary is not null).Select(m => m.Summary!.Value).ToList();
        var (churn, spend, problem) = FitValueModels(summaries);

        var sampled = _seen > _sample.Count;
        return new PopulationModel(
            version, asOfDay, _seen, _purchasers, sampled, _sample.Count,
            sampled ? RankErrorBound(_sample.Count, 0.01) : 0,
            QuintileEdges.Of(Sorted(m => m.RecencyDays)),
            QuintileEdges.Of(Sorted(m => m.Frequency)),
            QuintileEdges.Of(Sorted(m => m.MonetaryUnits)),
            TierThresholds.Of(tierValues, options),
            churn?.Parameters, spend?.Parameters, churn?.LogLikelihood, spend?.LogLikelihood,
            builtAt, problem, PotentialThresholds(churn?.Parameters, spend?.Parameters));
    }

    /// <summary>Most customers whose CLV is evaluated for the potential thresholds; beyond, every k-th member.</summary>
    public const int PotentialSampleLimit = 50_000;

    private TierThresholds? PotentialThresholds(BgNbdParameters? churn, GammaGammaParameters? spend)
    {
        if (churn is null || spend is null) return null;
        var stride = (_sample.Count + PotentialSampleLimit - 1) / PotentialSampleLimit;
        var values = new List<long>(Math.Min(_sample.Count, PotentialSampleLimit));
        for (var i = 0; i < _sample.Count; i += Math.Max(1, stride))
        {
            var clv = _sample[i].Summary is { } m ? CustomerLifetimeValue.Compute(churn, spend, m) : 0;
            values.Add(double.IsFinite(clv) ? Money.ToUnits(clv) : 0);
        }
        values.Sort((a, b) => b.CompareTo(a));
        return TierThresholds.Of(values.ToArray(), options);
    }

    /// <summary>Both value models, or neither and the reason: too few repeat buyers, no finite mean spend, or no convergence.</summary>
    private static (ModelFit<BgNbdParameters>?, ModelFit<GammaGammaParameters>?, string?) FitValueModels(List<RepeatPurchaseSummary> summaries)
    {
        var repeaters = summaries.Count(s => s.Frequency > 0 && s.MonetaryValue > 0);
        if (repeaters < MinimumRepeatCustomers) return (null, null, $"{repeaters} repeat buyers; the models need {MinimumRepeatCustomers}");
        try
        {
            var spend = ModelFitter.FitGammaGamma(summaries);
            if (!(spend.Parameters.Q > 1)) return (null, null, $"spend model q = {spend.Parameters.Q:G4} ≤ 1 has no finite mean");
            var churn = ModelFitter.FitBgNbd(summaries);
            return churn.Parameters.IsValid && double.IsFinite(churn.LogLikelihood)
                ? (churn, spend, null)
                : (null, null, "churn model fit is not finite");
        }
        catch (MathNet.Numerics.Optimization.OptimizationException ex)
        {
            return (null, null, "fit did not converge: " + ex.Message);
        }
    }

    /// <summary>DKW: P(sup |F̂ₙ − F| > ε) ≤ 2e^(−2nε²), so ε = √(ln(2/δ) / 2n).</summary>
    public static double RankErrorBound(int sampleSize, double delta) => Math.Sqrt(Math.Log(2 / delta) / (2.0 * sampleSize));
}
