namespace Stream.Core.State;

/// <summary>What the rolling windows count. Persisted by position: append only.</summary>
public enum WindowCounter
{
    Purchases,
    SpendUnits,
    RefundUnits,
    Interactions,
    Complaints,
    NpsSum,
    NpsAnswers,
    /// <summary>NPS answers of <see cref="ActivityWindows.DetractorNps"/> or less.</summary>
    Detractors,
}
