namespace Stream.Core.Analytics;

/// <summary>Thresholds of the engagement, lifecycle and tier rules; every default is documented in docs/analytics.md.</summary>
public sealed record AnalyticsOptions
{
    /// <summary>Recent interactions are counted over this many days...</summary>
    public int RecentDays { get; init; } = 7;

    /// <summary>...against the weekly average of this many days before them.</summary>
    public int BaselineDays { get; init; } = 28;

    /// <summary>Below this weekly baseline a customer is too quiet for a ratio to mean anything.</summary>
    public double MinBaselinePerWeek { get; init; } = 1.0;

    /// <summary>A ratio of recent to baseline below this is an engagement (or spend) drop.</summary>
    public double DropRatio { get; init; } = 0.5;

    /// <summary>Spend is compared over this many days (week-aligned) against the same span before.</summary>
    public int SpendDays { get; init; } = 90;

    /// <summary>Prior-period spend below this (in money units) is too little for a spend ratio.</summary>
    public long MinBaselineSpendUnits { get; init; } = 10 * Events.Money.UnitsPerWhole;

    /// <summary>A customer whose first purchase is this recent is new.</summary>
    public int NewDays { get; init; } = 30;

    /// <summary>No purchase for this long: dormant; for <see cref="ChurnedDays"/>: churned.</summary>
    public int DormantDays { get; init; } = 180;
    public int ChurnedDays { get; init; } = 365;

    /// <summary>Customers longer than this are mature unless growing or declining.</summary>
    public int MatureDays { get; init; } = 365;

    /// <summary>Recent spend above this multiple of the prior period is growth.</summary>
    public double GrowthRatio { get; init; } = 1.2;

    /// <summary>Cumulative shares of total value that close the premium, growth and potential tiers.</summary>
    public double PremiumValueShare { get; init; } = 0.70;
    public double GrowthValueShare { get; init; } = 0.90;
    public double PotentialValueShare { get; init; } = 0.98;

    /// <summary>Tiers rank customers by net spend over this many days.</summary>
    public int TierValueDays { get; init; } = 365;

    /// <summary>A repeat buyer whose P(alive) falls below this is at churn risk.</summary>
    public double ChurnRiskThreshold { get; init; } = 0.3;

    /// <summary>Every customer is reviewed at least this often in event time, so population changes reach silent customers.</summary>
    public int MaxReviewDays { get; init; } = 28;
}
