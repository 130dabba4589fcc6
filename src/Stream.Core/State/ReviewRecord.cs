namespace Stream.Core.State;

/// <summary>
/// A customer's last review: packed status (0: never reviewed), the day it was made as of, the day the next
/// is due, and the day its timer is set for in the partition's due set. The timer may be earlier than the
/// next review (never later): when new events push the next review back, the timer stays where it is and is
/// moved once it fires, so busy customers do not rewrite their timer on every batch.
/// </summary>
public readonly record struct ReviewRecord(int StatusCode, int ReviewedDay, int NextReviewDay, int TimerDay)
{
    public ReviewRecord(int statusCode, int reviewedDay, int nextReviewDay)
        : this(statusCode, reviewedDay, nextReviewDay, nextReviewDay)
    {
    }

    public bool Exists => StatusCode != 0;

    /// <summary>
    /// This review with the timer it needs when the previous timer was set for <paramref name="previousTimerDay"/>
    /// (null: none) and event time stands at <paramref name="today"/>: the previous timer stays if it has not
    /// fired and is not later than the next review.
    /// </summary>
    public ReviewRecord WithTimerAfter(int? previousTimerDay, int? today) =>
        previousTimerDay is { } previous && previous <= NextReviewDay && today is { } t && previous > t
            ? this with { TimerDay = previous }
            : this with { TimerDay = NextReviewDay };
}
