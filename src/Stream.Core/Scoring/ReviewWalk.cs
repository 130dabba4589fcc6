using Stream.Core.Analytics;
using Stream.Core.State;

namespace Stream.Core.Scoring;

/// <summary>
/// What one review of a customer found: whether it counts as a review, and the new review record when it differed
/// from the state's (then stored in the state; <see cref="TimerMoved"/>: its timer day must be written to the
/// partition's due set).
/// </summary>
public readonly record struct ReviewStep(bool Reviewed, ReviewRecord? Updated, bool TimerMoved)
{
    public static readonly ReviewStep None = new(false, null, false);
}

/// <summary>
/// Reviews a customer up to the partition's event-time day. A customer whose events changed it is reviewed as of
/// its latest event; one whose timer fired is reviewed at each due day in turn, so a silent customer's status
/// changes carry the day they happened. Status changes go to a list; the new review record goes into the state.
/// </summary>
public static class ReviewWalk
{
    /// <summary>Bounds one customer's catch-up in one call; the rest follows at the next.</summary>
    public const int MaxSteps = 1_000;

    /// <param name="touched">Events changed the customer since its last review.</param>
    /// <param name="today">The partition's event-time day; null before any event.</param>
    public static ReviewStep Review(string customerId, CustomerState s, bool touched, int? today, PopulationModel? model, AnalyticsOptions o,
        List<StatusChange> changes)
    {
        if (s.EventCount == 0) return ReviewStep.None;
        var review = s.Review;
        var lastDay = PurchaseDays.DayNumber(s.LastEventAtMs);
        int asOf;
        if (touched || !review.Exists) asOf = review.Exists ? Math.Max(lastDay, review.ReviewedDay) : lastDay;
        else if (today is { } t && review.NextReviewDay <= t) asOf = review.NextReviewDay;
        else
        {
            // The timer fired before the review is due (events moved the review later): set it for the review.
            return review.TimerDay != review.NextReviewDay ? Store(s, review with { TimerDay = review.NextReviewDay }, reviewed: false) : ReviewStep.None;
        }

        var previous = CustomerStatus.Unpack(review.StatusCode);
        for (var steps = 0; ; steps++)
        {
            var status = CustomerReview.Status(s, asOf, model, o);
            StatusChange.Diff(customerId, previous, status, asOf, s, model, o, changes);
            previous = status;
            // Up to today the model is fixed, so only real change days are stops; beyond it the usual interval holds.
            var horizon = today is { } t0 && t0 > asOf ? t0 - asOf + o.MaxReviewDays : o.MaxReviewDays;
            review = new ReviewRecord(status.Pack(), asOf, CustomerReview.NextReviewDay(s, asOf, model, o, horizon));
            if (today is not { } day || review.NextReviewDay > day || steps >= MaxSteps) break;
            asOf = review.NextReviewDay;
        }
        review = review.WithTimerAfter(s.Review.Exists ? s.Review.TimerDay : null, today);
        return review != s.Review ? Store(s, review, reviewed: true) : new ReviewStep(true, null, false);
    }

    private static ReviewStep Store(CustomerState s, ReviewRecord review, bool reviewed)
    {
        var step = new ReviewStep(reviewed, review, !s.Review.Exists || review.TimerDay != s.Review.TimerDay);
        s.Review = review;
        return step;
    }
}
