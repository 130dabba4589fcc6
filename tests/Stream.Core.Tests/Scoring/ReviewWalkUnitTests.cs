using FsCheck;
using FsCheck.Fluent;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Scoring;

using static ReviewFixtures;

/// <summary>The review walk against a day-by-day recount of the same customer's status.</summary>
[Trait("Category", "Unit")]
public sealed class ReviewWalkUnitTests
{
    private static readonly PopulationModel Model = ReviewFixtures.Model([10, 30, 60, 120], [1, 1, 2, 3],
        new TierThresholds(3_000 * Money.UnitsPerWhole, 800 * Money.UnitsPerWhole, 100 * Money.UnitsPerWhole));
    private static readonly AnalyticsOptions Options = new() { MaxReviewDays = 120 };

    /// <summary>
    /// For random histories: a customer reviewed at its last event and then silent until a later day gets, from the
    /// walk, exactly the changes a recount of its status on every single day in between finds, on the same days.
    /// </summary>
    [Fact]
    public void A_silent_customer_gets_every_change_a_daily_recount_finds_on_the_day_it_happens()
    {
        var histories = Gen.ListOf(Gen.Choose(0, 300).Zip(Gen.Choose(0, 2)).Zip(Gen.Choose(1, 400)))
            .Where(l => l.Count > 0)
            .Select(l => l.Select(e => (Day: e.Item1.Item1, Type: e.Item1.Item2, Amount: e.Item2)).ToList());
        var property = Prop.ForAll(histories.ToArbitrary(), Gen.Choose(1, 700).ToArbitrary(), (history, silence) =>
        {
            var state = Build(history);
            var lastDay = Start + history.Max(e => e.Day);
            var first = ReviewWalk.Review("c", state, touched: true, lastDay, Model, Options, []);
            var today = lastDay + silence;
            var walked = new List<StatusChange>();
            ReviewWalk.Review("c", state, touched: false, today, Model, Options, walked);

            var recounted = new List<StatusChange>();
            var previous = CustomerReview.Status(state, lastDay, Model, Options);
            for (var day = lastDay + 1; day <= today; day++)
            {
                var status = CustomerReview.Status(state, day, Model, Options);
                StatusChange.Diff("c", previous, status, day, state, Model, Options, recounted);
                previous = status;
            }
            return first.Reviewed && first.TimerMoved
                && walked.Select(c => (c.AsOfDay, c.Kind, c.Current)).SequenceEqual(recounted.Select(c => (c.AsOfDay, c.Kind, c.Current)))
                && state.Review.ReviewedDay <= today && state.Review.NextReviewDay > today;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void A_timer_that_fires_before_the_review_is_due_moves_to_the_review_day_without_a_review()
    {
        var state = Build([(0, 0, 50), (10, 0, 40)]);
        ReviewWalk.Review("c", state, touched: true, Start + 10, Model, Options, []);
        var next = state.Review.NextReviewDay;
        // Events pushed the review later while the timer stayed earlier.
        state.Review = state.Review with { TimerDay = next - 1 };

        var step = ReviewWalk.Review("c", state, touched: false, today: next - 1, Model, Options, []);

        Assert.False(step.Reviewed);
        Assert.True(step.TimerMoved);
        Assert.Equal(next, state.Review.TimerDay);
    }

    [Fact]
    public void A_customer_without_events_is_not_reviewed()
    {
        var state = new CustomerState();
        Assert.Equal(ReviewStep.None, ReviewWalk.Review("c", state, touched: true, Start, Model, Options, []));
        Assert.False(state.Review.Exists);
    }
}
