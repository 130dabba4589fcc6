using Stream.Core.State;

namespace Stream.Core.Tests.State;

[Trait("Category", "Unit")]
public sealed class ReviewRecordUnitTests
{
    private static readonly ReviewRecord Review = new(0x21, 100, 130);

    [Theory]
    [InlineData(null, 110, 130)] // no timer yet: set for the review
    [InlineData(120, 110, 120)] // pending and earlier: stays, moved once it fires
    [InlineData(130, 110, 130)]
    [InlineData(140, 110, 130)] // later than the review would miss it: moved earlier
    [InlineData(110, 110, 130)] // fired today: moved to the review
    [InlineData(105, 110, 130)]
    [InlineData(120, null, 130)] // event time unknown: set for the review
    public void A_timer_stays_only_while_pending_and_not_later_than_the_review(int? previous, int? today, int expected)
    {
        var next = Review.WithTimerAfter(previous, today);
        Assert.Equal(expected, next.TimerDay);
        Assert.True(next.TimerDay <= next.NextReviewDay);
        Assert.Equal(Review with { TimerDay = expected }, next);
    }
}
