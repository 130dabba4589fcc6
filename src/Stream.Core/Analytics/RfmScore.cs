namespace Stream.Core.Analytics;

/// <summary>A customer's RFM values with their population ranks, 1–5 scores and segment.</summary>
public sealed record RfmScore(RfmValues Values, int RecencyRank, int FrequencyRank, int MonetaryRank, int R, int F, int M)
{
    public RfmSegment Segment => RfmSegments.Of(R, F);

    public string Code => $"{R}{F}{M}";
}
