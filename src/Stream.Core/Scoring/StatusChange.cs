using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Stream.Core.Analytics;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Core.Scoring;

/// <summary>What the review saw when a status changed: the figures a retention team checks first.</summary>
public sealed record ChangeEvidence(
    int? RecencyDays,
    int PurchaseDays,
    long MonetaryUnits,
    long TierValueUnits,
    double? ProbabilityAlive,
    double? EngagementRatio,
    double? SpendRatio);

/// <summary>
/// One change of a customer's status, on the event-time day it happened. <see cref="EventId"/> is derived
/// from the change itself, so a change published twice (after a crash) carries the same id both times.
/// </summary>
public sealed record StatusChange(
    string CustomerId,
    StatusChangeKind Kind,
    string? Previous,
    string Current,
    int AsOfDay,
    long? ModelVersion,
    ValueTier? Tier,
    ChangeEvidence Evidence,
    string? SuggestedAction)
{
    public string EventId
    {
        get
        {
            var text = string.Join('|', CustomerId, Kind, AsOfDay.ToString(CultureInfo.InvariantCulture), Previous, Current);
            return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text)).ToString("x16", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The changes between two statuses of one customer (a first review, with no previous status, has none).</summary>
    public static void Diff(string customerId, CustomerStatus? previous, CustomerStatus current, int asOfDay, CustomerState state,
        PopulationModel? model, AnalyticsOptions o, List<StatusChange> changes)
    {
        if (previous is not { } p || p == current) return;
        var found = new List<(StatusChangeKind Kind, string Before, string After)>(2);
        if (p.Stage != current.Stage) found.Add((StatusChangeKind.Stage, p.Stage.LowerName(), current.Stage.LowerName()));
        if (p.Segment is { } ps && current.Segment is { } cs && ps != cs) found.Add((StatusChangeKind.Segment, ps.DisplayName(), cs.DisplayName()));
        if (p.Tier is { } pt && current.Tier is { } ct && pt != ct) found.Add((StatusChangeKind.Tier, pt.LowerName(), ct.LowerName()));
        if (p.ChurnRisk != current.ChurnRisk) found.Add((StatusChangeKind.ChurnRisk, Risk(p.ChurnRisk), Risk(current.ChurnRisk)));
        if (found.Count == 0) return;

        var signals = CustomerSignals.Of(state, asOfDay, o);
        var days = state.PurchaseDays;
        var evidence = new ChangeEvidence(
            days.DistinctDays > 0 ? asOfDay - days.LastDay : null,
            days.DistinctDays,
            state.AmountUnits(Events.EventType.Purchase) - state.AmountUnits(Events.EventType.Refund),
            CustomerReview.TierValue(state, asOfDay, o),
            CustomerReview.ProbabilityAlive(state, asOfDay, model),
            signals.EngagementRatio,
            signals.SpendRatio);
        foreach (var (kind, before, after) in found)
            changes.Add(new StatusChange(customerId, kind, before, after, asOfDay, model?.Version, current.Tier, evidence, SuggestedActions.For(kind, current)));
    }

    private static string Risk(bool atRisk) => atRisk ? "at_risk" : "not_at_risk";
}

/// <summary>A first step for the team that receives a change; differentiated by value tier (see docs/analytics.md).</summary>
public static class SuggestedActions
{
    public static string? For(StatusChangeKind kind, CustomerStatus now)
    {
        var valuable = now.Tier is ValueTier.Premium or ValueTier.Growth;
        return kind switch
        {
            StatusChangeKind.ChurnRisk when now.ChurnRisk => valuable ? "personal call from the account manager" : "automated win-back offer",
            StatusChangeKind.Stage => now.Stage switch
            {
                LifecycleStage.Declining => valuable ? "account review: activity is falling" : "re-engagement campaign",
                LifecycleStage.Dormant => "win-back campaign",
                LifecycleStage.Churned => "reactivation offer; leave regular campaigns",
                LifecycleStage.Reactivated => "welcome-back follow-up",
                _ => null,
            },
            StatusChangeKind.Segment => now.Segment switch
            {
                RfmSegment.CantLose or RfmSegment.AtRisk => valuable ? "personal reactivation by the account team" : "personalised reactivation email",
                RfmSegment.Champions => "loyalty reward or referral ask",
                _ => null,
            },
            StatusChangeKind.Tier when now.Tier is ValueTier.Premium => "assign dedicated service",
            _ => null,
        };
    }
}
