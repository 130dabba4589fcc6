namespace Stream.Core.Analytics;

/// <summary>The named RFM segments, set by the R and F scores alone.</summary>
public enum RfmSegment : byte
{
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLose,
    Hibernating,
}

public static class RfmSegments
{
    /// <summary>The rules, tried in order; they are disjoint and cover every (R, F).</summary>
    public static RfmSegment Of(int r, int f) => (r, f) switch
    {
        (5, >= 4) => RfmSegment.Champions,
        (3 or 4, >= 4) => RfmSegment.Loyal,
        (4 or 5, 2 or 3) => RfmSegment.PotentialLoyalists,
        (5, 1) => RfmSegment.New,
        (4, 1) => RfmSegment.Promising,
        (3, 3) => RfmSegment.NeedAttention,
        (3, 1 or 2) => RfmSegment.AboutToSleep,
        (1 or 2, 3 or 4) => RfmSegment.AtRisk,
        (1 or 2, 5) => RfmSegment.CantLose,
        (1 or 2, 1 or 2) => RfmSegment.Hibernating,
        _ => throw new ArgumentOutOfRangeException(nameof(r), $"scores must be 1–5, got R{r} F{f}"),
    };

    public static string DisplayName(this RfmSegment segment) => segment switch
    {
        RfmSegment.Champions => "Champions",
        RfmSegment.Loyal => "Loyal",
        RfmSegment.PotentialLoyalists => "Potential Loyalists",
        RfmSegment.New => "New",
        RfmSegment.Promising => "Promising",
        RfmSegment.NeedAttention => "Need Attention",
        RfmSegment.AboutToSleep => "About to Sleep",
        RfmSegment.AtRisk => "At Risk",
        RfmSegment.CantLose => "Can't Lose",
        RfmSegment.Hibernating => "Hibernating",
        _ => throw new ArgumentOutOfRangeException(nameof(segment)),
    };
}
