using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Monitor.Api;

/// <summary>The API's JSON view of one customer's state.</summary>
public sealed record CustomerView(
    string CustomerId,
    DateTimeOffset FirstEventAt,
    DateTimeOffset LastEventAt,
    long EventCount,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyDictionary<string, decimal> Amounts,
    int DistinctPurchaseDays,
    DateOnly? FirstPurchaseDay,
    DateOnly? LastPurchaseDay,
    ProfileView? Profile,
    DateOnly AsOf,
    string Stage,
    CustomerSignals Signals,
    StatusView? Status,
    CustomerScores? Scores,
    ReviewView? LastReview)
{
    /// <summary>The customer as of <paramref name="asOf"/>; status and scores with <paramref name="model"/> (they name its version).</summary>
    public static CustomerView From(string customerId, CustomerState s, DateTimeOffset asOf, AnalyticsOptions options, PopulationModel? model)
    {
        var day = EpochDays.Of(DateOnly.FromDateTime(asOf.UtcDateTime));
        var signals = CustomerSignals.Of(s, day, options);
        var status = CustomerReview.Status(s, day, model, options);
        return From(customerId, s, DateOnly.FromDateTime(asOf.UtcDateTime), Lifecycle.Classify(s, day, signals, options).LowerName(), signals,
            StatusView.Of(status, model), CustomerScores.Of(s, day, model), ReviewView.Of(s.Review));
    }

    private static CustomerView From(string customerId, CustomerState s, DateOnly asOf, string stage, CustomerSignals signals,
        StatusView status, CustomerScores? scores, ReviewView? review) => new(
        customerId,
        DateTimeOffset.FromUnixTimeMilliseconds(s.FirstEventAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(s.LastEventAtMs),
        s.EventCount,
        EventTypes.All.Where(t => s.Count(t) > 0).ToDictionary(t => t.WireName(), s.Count),
        EventTypes.All.Where(t => t.CarriesAmount() && s.Count(t) > 0).ToDictionary(t => t.WireName(), t => Money.FromUnits(s.AmountUnits(t))),
        s.PurchaseDays.DistinctDays,
        s.PurchaseDays.DistinctDays > 0 ? EpochDays.ToDate(s.PurchaseDays.FirstDay) : null,
        s.PurchaseDays.DistinctDays > 0 ? EpochDays.ToDate(s.PurchaseDays.LastDay) : null,
        s.Profile is { } p ? new ProfileView(p.CustomerType.LowerName(), p.Industry, p.Region, p.SignupDate) : null,
        asOf,
        stage,
        signals,
        status,
        scores,
        review);
}

public sealed record ProfileView(string CustomerType, string? Industry, string? Region, DateOnly? SignupDate);

/// <summary>The status retention rules act on, as of the view's day, and the model version behind segment, tier and risk.</summary>
public sealed record StatusView(string Stage, string? Segment, string? Tier, bool ChurnRisk, long? ModelVersion)
{
    public static StatusView Of(CustomerStatus s, PopulationModel? model) =>
        new(s.Stage.LowerName(), s.Segment?.DisplayName(), s.Tier?.LowerName(), s.ChurnRisk, model?.Version);
}

/// <summary>The last review the pipeline committed (it published changes against this status) and when the next is due.</summary>
public sealed record ReviewView(DateOnly ReviewedAsOf, DateOnly NextReview, string Stage, string? Segment, string? Tier, bool ChurnRisk)
{
    public static ReviewView? Of(ReviewRecord r) => CustomerStatus.Unpack(r.StatusCode) is { } s
        ? new(EpochDays.ToDate(r.ReviewedDay), EpochDays.ToDate(r.NextReviewDay), s.Stage.LowerName(), s.Segment?.DisplayName(),
            s.Tier?.LowerName(), s.ChurnRisk)
        : null;
}
