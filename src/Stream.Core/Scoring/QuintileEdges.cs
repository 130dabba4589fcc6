using Stream.Core.Analytics;

namespace Stream.Core.Scoring;

/// <summary>
/// Quintile bins of one RFM dimension as value cut points, so one customer can be scored without ranking
/// the population. <see cref="Upper"/>[i] is the greatest value in bin i + 1 (bins 1–4), taken from the
/// population sorted ascending with <see cref="RfmScorer.Bin"/>'s rank rule. Scoring by value puts every
/// customer equal to a cut point in the lower bin, where ranking would split equal values by customer id;
/// that is the only difference from the batch scores.
/// </summary>
public sealed record QuintileEdges(long[] Upper)
{
    /// <summary>The bin (1–5) of <paramref name="value"/>.</summary>
    public int Bin(long value)
    {
        var bin = 1;
        foreach (var upper in Upper)
        {
            if (value > upper) bin++;
        }
        return bin;
    }

    /// <summary>Cut points of an ascending-sorted population (or sample of one).</summary>
    public static QuintileEdges Of(ReadOnlySpan<long> sorted)
    {
        var n = sorted.Length;
        var upper = new long[4];
        for (var bin = 1; bin <= 4; bin++)
        {
            // The last rank k with Bin(k, n) ≤ bin: ⌈5(k−1)/(n−1)⌉ ≤ bin ⇔ k ≤ bin(n−1)/5 + 1.
            var k = n <= 1 ? n : (int)((long)bin * (n - 1) / 5) + 1;
            upper[bin - 1] = k >= 1 ? sorted[k - 1] : long.MinValue;
        }
        return new QuintileEdges(upper);
    }
}
