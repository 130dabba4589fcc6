using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.State;

namespace Stream.Core.Scoring;

/// <summary>
/// A customer's model scores as of a day, and the population model version that produced them. Scores
/// depend on the day through T (time since the first purchase), so they decay for customers who send
/// nothing as event time advances. <see cref="Potential"/> is the value tier the CLV earns against the model's
/// potential thresholds.
/// </summary>
public sealed record CustomerScores(
    long ModelVersion,
    double ProbabilityAlive,
    double ExpectedPurchases30d,
    double ExpectedPurchases90d,
    double ExpectedPurchases365d,
    double ExpectedAverageOrderValue,
    double Clv12m,
    ValueTier? Potential)
{
    /// <summary>Null when the model has no fitted value models or the customer has not purchased.</summary>
    public static CustomerScores? Of(CustomerState state, int asOfDay, PopulationModel? model)
    {
        if (model is not { Churn: { } churn, Spend: { } spend } || Summary(state, asOfDay) is not { } m) return null;
        var scores = Sanitised(new CustomerScores(
            model.Version,
            BgNbd.ProbabilityAlive(churn, m),
            BgNbd.ExpectedPurchases(churn, m, 30),
            BgNbd.ExpectedPurchases(churn, m, 90),
            BgNbd.ExpectedPurchases(churn, m, 365),
            GammaGamma.ExpectedAverageProfit(spend, m.Frequency, m.MonetaryValue),
            CustomerLifetimeValue.Compute(churn, spend, m),
            Potential: null));
        return scores is null ? null : scores with { Potential = model.Potential?.Of(Money.ToUnits(scores.Clv12m)) };
    }

    /// <summary>The repeat-purchase summary as of a day no earlier than the last purchase.</summary>
    public static RepeatPurchaseSummary? Summary(CustomerState state, int asOfDay) =>
        state.PurchaseDays.DistinctDays == 0 ? null : RepeatPurchaseSummaries.Of(state, EpochDays.ToDate(SummaryDay(state, asOfDay)));

    /// <summary>As <see cref="Summary"/> without the mean spend (0), which the churn model does not read.</summary>
    public static RepeatPurchaseSummary? Timing(CustomerState state, int asOfDay) => RepeatPurchaseSummaries.Timing(state, SummaryDay(state, asOfDay));

    /// <summary>The day a summary is taken as of: <paramref name="asOfDay"/>, but never before the last purchase.</summary>
    private static int SummaryDay(CustomerState state, int asOfDay) => Math.Max(asOfDay, state.PurchaseDays.LastDay);

    /// <summary>No NaN or infinity leaves the models: a value that is not finite becomes null upstream, here 0.</summary>
    private static CustomerScores? Sanitised(CustomerScores s) =>
        double.IsFinite(s.ProbabilityAlive) && double.IsFinite(s.ExpectedPurchases30d) && double.IsFinite(s.ExpectedPurchases90d)
        && double.IsFinite(s.ExpectedPurchases365d) && double.IsFinite(s.ExpectedAverageOrderValue) && double.IsFinite(s.Clv12m)
            ? s
            : null;
}
