using Stream.Core.Analytics;

namespace Stream.Core.Scoring;

/// <summary>
/// The facts about a customer that retention rules act on, and whose changes are events: lifecycle stage,
/// RFM segment and value tier (both null until a population model exists; the segment also before a first
/// purchase) and churn risk (P(alive) below the configured threshold).
/// </summary>
public readonly record struct CustomerStatus(LifecycleStage Stage, RfmSegment? Segment, ValueTier? Tier, bool ChurnRisk)
{
    /// <summary>Packed into one integer for the stored state; 0 means never reviewed.</summary>
    public int Pack() =>
        1 | ((int)Stage << 1) | ((Segment is { } s ? (int)s + 1 : 0) << 5) | ((Tier is { } t ? (int)t + 1 : 0) << 9) | (ChurnRisk ? 1 << 12 : 0);

    public static CustomerStatus? Unpack(int packed)
    {
        if ((packed & 1) == 0) return null;
        var segment = (packed >> 5) & 0xF;
        var tier = (packed >> 9) & 0x7;
        return new CustomerStatus((LifecycleStage)((packed >> 1) & 0xF), segment == 0 ? null : (RfmSegment)(segment - 1),
            tier == 0 ? null : (ValueTier)(tier - 1), (packed & (1 << 12)) != 0);
    }
}

/// <summary>What changed in a customer's status, and the status before (null: first review) and after.</summary>
public enum StatusChangeKind
{
    Stage,
    Segment,
    Tier,
    ChurnRisk,
}
