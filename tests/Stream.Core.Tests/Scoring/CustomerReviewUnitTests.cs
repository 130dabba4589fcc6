using FsCheck;
using FsCheck.Fluent;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Scoring;

using static ReviewFixtures;

[Trait("Category", "Unit")]
public sealed class CustomerReviewUnitTests
{
    /// <summary>
    /// For random histories, population models and option sets: the status stays the same on every day after a
    /// review and before the next review day, and the next review day is within the maximum interval. A timer
    /// at the next review day therefore never misses a change of a silent customer.
    /// </summary>
    [Fact]
    public void Status_is_constant_until_the_next_review_day()
    {
        // Histories spread over 20 to 500 days, so some are dense enough for engagement baselines and spend trends.
        var events = Gen.Choose(20, 500).Zip(Gen.ListOf(Gen.Choose(0, 500).Zip(Gen.Choose(0, 4)).Zip(Gen.Choose(1, 400))))
            .Select(x => x.Item2.Select(e => (e.Item1.Item1 % x.Item1, e.Item1.Item2 % 3, e.Item2)).ToList());
        var edges = Gen.ArrayOf(Gen.Choose(0, 400), 4).Select(a => a.Select(v => (long)v).Order().ToArray());
        var options = Gen.Elements(
            new AnalyticsOptions(),
            new AnalyticsOptions { MaxReviewDays = 90, DormantDays = 60, ChurnedDays = 120, NewDays = 14, MatureDays = 200, SpendDays = 28, TierValueDays = 30, ChurnRiskThreshold = 0.6 },
            new AnalyticsOptions { MaxReviewDays = 365, RecentDays = 3, BaselineDays = 21, MinBaselinePerWeek = 0.5, MinBaselineSpendUnits = 1 });
        var cutPoints = edges.Zip(edges);
        var setting = Gen.Choose(0, 200).Zip(options);
        var property = Prop.ForAll(events.ToArbitrary(), cutPoints.ToArbitrary(), setting.ToArbitrary(),
            (history, rf, idleAndOptions) =>
            {
                var (r, f) = rf;
                var (idle, o) = idleAndOptions;
                var state = Build(history);
                var tiers = new TierThresholds(30_000 * Money.UnitsPerWhole / 10, 800 * Money.UnitsPerWhole, 100 * Money.UnitsPerWhole);
                var model = Model(r, f, tiers);
                var asOf = Start + (history.Count == 0 ? 0 : history.Max(e => e.Item1)) + idle;
                var status = CustomerReview.Status(state, asOf, model, o);
                var next = CustomerReview.NextReviewDay(state, asOf, model, o);
                if (next <= asOf || next > asOf + o.MaxReviewDays) return false;
                for (var d = asOf + 1; d < next; d++)
                {
                    if (CustomerReview.Status(state, d, model, o) != status) return false;
                }
                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

    [Fact]
    public void A_silent_repeat_buyer_becomes_a_churn_risk_on_the_day_p_alive_falls_below_the_threshold()
    {
        var state = Build([(0, 0, 50), (20, 0, 40), (45, 0, 30)]);
        var model = Model([10, 30, 60, 120], [1, 1, 2, 3], TierThresholds.None);
        var o = new AnalyticsOptions { MaxReviewDays = 1000 };
        var day = Start + 45;
        Assert.False(CustomerReview.Status(state, day, model, o).ChurnRisk);
        var next = CustomerReview.NextReviewDay(state, day, model, o);
        // The next review comes at the first R cut point crossing or the P(alive) crossing, whichever is first; walk them.
        while (!CustomerReview.Status(state, next, model, o).ChurnRisk) next = CustomerReview.NextReviewDay(state, next, model, o);
        Assert.True(CustomerReview.ProbabilityAlive(state, next, model) < 0.3);
        Assert.True(CustomerReview.ProbabilityAlive(state, next - 1, model) >= 0.3);
    }

    /// <summary>The review reads P(alive) without the mean spend; it must be exactly the scores' value, on any day.</summary>
    [Fact]
    public void The_review_reads_the_same_p_alive_as_the_scores()
    {
        var events = Gen.ListOf(Gen.Choose(0, 400).Zip(Gen.Choose(0, 2)).Zip(Gen.Choose(1, 400)))
            .Select(list => list.Select(e => (e.Item1.Item1, e.Item1.Item2, e.Item2)).ToList());
        var model = Model([10, 30, 60, 120], [1, 1, 2, 3], TierThresholds.None);
        var property = Prop.ForAll(events.ToArbitrary(), Gen.Choose(-30, 600).ToArbitrary(), (history, day) =>
        {
            var state = Build(history);
            var asOf = Start + day;
            var expected = CustomerScores.Summary(state, asOf) is { Frequency: > 0 } m ? BgNbd.ProbabilityAlive(Churn, m) : (double?)null;
            return CustomerReview.ProbabilityAlive(state, asOf, model) == expected
                && CustomerReview.ProbabilityAlive(state, asOf, model with { Churn = null }) is null;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void Status_packs_into_one_integer_and_back()
    {
        foreach (var stage in Enum.GetValues<LifecycleStage>())
        {
            foreach (RfmSegment? segment in Enum.GetValues<RfmSegment>().Cast<RfmSegment?>().Append(null))
            {
                foreach (ValueTier? tier in Enum.GetValues<ValueTier>().Cast<ValueTier?>().Append(null))
                {
                    var status = new CustomerStatus(stage, segment, tier, segment is RfmSegment.AtRisk);
                    Assert.Equal(status, CustomerStatus.Unpack(status.Pack()));
                }
            }
        }
        Assert.Null(CustomerStatus.Unpack(0));
    }

    [Fact]
    public void Scores_name_the_model_version_and_fall_for_a_silent_customer()
    {
        var state = Build([(0, 0, 50), (30, 0, 40)]);
        var model = Model([10, 30, 60, 120], [1, 1, 2, 3], TierThresholds.None) with { Version = 7 };
        var early = CustomerScores.Of(state, Start + 30, model)!;
        var late = CustomerScores.Of(state, Start + 300, model)!;
        Assert.Equal(7, early.ModelVersion);
        Assert.True(late.ProbabilityAlive < early.ProbabilityAlive);
        Assert.True(late.Clv12m < early.Clv12m);
        Assert.Null(CustomerScores.Of(state, Start + 30, model with { Churn = null }));
    }
}
