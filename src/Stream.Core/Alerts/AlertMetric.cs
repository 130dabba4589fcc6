using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Core.Alerts;

/// <summary>A customer metric a threshold rule can watch: every one is read from the state the monitor already keeps.</summary>
public enum AlertMetric
{
    EngagementRatio,
    SpendRatio,
    Interactions7d,
    Interactions30d,
    Purchases30d,
    Purchases90d,
    Purchases365d,
    NetSpend90d,
    NetSpend365d,
    Complaints90d,
    NpsAverage90d,
    RecencyDays,
    PAlive,
    Clv12m,
}

public static class AlertMetrics
{
    /// <summary>The names rule files use (snake_case), by metric.</summary>
    public static readonly IReadOnlyDictionary<string, AlertMetric> ByName = Enum.GetValues<AlertMetric>()
        .ToDictionary(Name, m => m, StringComparer.Ordinal);

    public static string Name(this AlertMetric metric) => metric switch
    {
        AlertMetric.Interactions7d => "interactions_7d",
        AlertMetric.Interactions30d => "interactions_30d",
        AlertMetric.Purchases30d => "purchases_30d",
        AlertMetric.Purchases90d => "purchases_90d",
        AlertMetric.Purchases365d => "purchases_365d",
        AlertMetric.NetSpend90d => "net_spend_90d",
        AlertMetric.NetSpend365d => "net_spend_365d",
        AlertMetric.Complaints90d => "complaints_90d",
        AlertMetric.NpsAverage90d => "nps_average_90d",
        AlertMetric.Clv12m => "clv_12m",
        AlertMetric.PAlive => "p_alive",
        _ => metric.SnakeName(),
    };

    /// <summary>
    /// The metric's value for a customer as of a day; null where it is undefined (a ratio below its baseline guard,
    /// no NPS answers, no purchase yet, no fitted model), so an undefined value never crosses a threshold. Reads only
    /// what the metric needs: it runs for every changed customer of every batch.
    /// </summary>
    public static double? Read(AlertMetric metric, CustomerState state, int asOfDay, PopulationModel? model, AnalyticsOptions options)
    {
        var w = state.Windows;
        switch (metric)
        {
            case AlertMetric.PAlive:
                // Defined where the customer's scores are (a value model and a purchase); one purchase day has no repeat
                // purchase to have stopped after, so BG/NBD says 1, which the review's P(alive) leaves out.
                if (model is not { Churn: not null, Spend: not null } || state.PurchaseDays.DistinctDays == 0) return null;
                if (state.PurchaseDays.DistinctDays == 1) return 1.0;
                return CustomerReview.ProbabilityAlive(state, asOfDay, model) is { } p && double.IsFinite(p) ? p : null;
            case AlertMetric.Clv12m:
                return CustomerScores.Of(state, asOfDay, model)?.Clv12m;
            case AlertMetric.RecencyDays:
                return state.PurchaseDays.DistinctDays > 0 ? asOfDay - state.PurchaseDays.LastDay : null;
            case AlertMetric.EngagementRatio:
                return CustomerSignals.Engagement(state, asOfDay, options).Ratio;
            case AlertMetric.SpendRatio:
                return CustomerSignals.Spend(state, asOfDay, options).Ratio;
            case AlertMetric.Interactions7d:
                return w.Sum(WindowCounter.Interactions, asOfDay, 7);
            case AlertMetric.Interactions30d:
                return w.Sum(WindowCounter.Interactions, asOfDay, 30);
            case AlertMetric.Purchases30d:
                return w.Sum(WindowCounter.Purchases, asOfDay, 30);
            case AlertMetric.Purchases90d:
                return w.Sum(WindowCounter.Purchases, asOfDay, 90);
            case AlertMetric.Purchases365d:
                return w.Sum(WindowCounter.Purchases, asOfDay, 365);
            case AlertMetric.NetSpend90d:
                return (double)Money.FromUnits(w.NetSpend(asOfDay, 90));
            case AlertMetric.NetSpend365d:
                return (double)Money.FromUnits(w.NetSpend(asOfDay, 365));
            case AlertMetric.Complaints90d:
                return w.Sum(WindowCounter.Complaints, asOfDay, 90);
            case AlertMetric.NpsAverage90d:
                var answers = w.Sum(WindowCounter.NpsAnswers, asOfDay, 90);
                return answers > 0 ? w.Sum(WindowCounter.NpsSum, asOfDay, 90) / (double)answers : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(metric));
        }
    }
}
