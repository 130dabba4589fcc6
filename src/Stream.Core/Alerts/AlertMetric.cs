using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
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
    /// no NPS answers, no purchase yet, no fitted model), so an undefined value never crosses a threshold.
    /// </summary>
    public static double? Read(AlertMetric metric, CustomerState state, int asOfDay, PopulationModel? model, AnalyticsOptions options)
    {
        switch (metric)
        {
            case AlertMetric.PAlive:
                return CustomerScores.Of(state, asOfDay, model)?.ProbabilityAlive;
            case AlertMetric.Clv12m:
                return CustomerScores.Of(state, asOfDay, model)?.Clv12m;
            case AlertMetric.RecencyDays:
                return state.PurchaseDays.DistinctDays > 0 ? asOfDay - state.PurchaseDays.LastDay : null;
        }
        var s = CustomerSignals.Of(state, asOfDay, options);
        return metric switch
        {
            AlertMetric.EngagementRatio => s.EngagementRatio,
            AlertMetric.SpendRatio => s.SpendRatio,
            AlertMetric.Interactions7d => s.Interactions7d,
            AlertMetric.Interactions30d => s.Interactions30d,
            AlertMetric.Purchases30d => s.Purchases30d,
            AlertMetric.Purchases90d => s.Purchases90d,
            AlertMetric.Purchases365d => s.Purchases365d,
            AlertMetric.NetSpend90d => (double)Money.FromUnits(s.NetSpend90dUnits),
            AlertMetric.NetSpend365d => (double)Money.FromUnits(s.NetSpend365dUnits),
            AlertMetric.Complaints90d => s.Complaints90d,
            AlertMetric.NpsAverage90d => s.AverageNps90d,
            _ => throw new ArgumentOutOfRangeException(nameof(metric)),
        };
    }
}
