namespace Stream.Core.Analytics;

/// <summary>
/// Population quintile scores. Each dimension is ranked 1..N by (value ascending, customer id ascending);
/// rank k gets bin max(1, ⌈5(k−1)/(N−1)⌉), which is pandas' <c>qcut(rank(method='first'), 5)</c>.
/// F and M are the bin; R is 6 − bin of the recency-days rank, so fewer days score higher. Ties are broken by
/// customer id, so equal values can land in different scores, as in the batch reference.
/// </summary>
public static class RfmScorer
{
    public static IReadOnlyList<RfmScore> Score(IReadOnlyList<RfmValues> population)
    {
        var n = population.Count;
        var recency = Ranks(population, v => v.RecencyDays);
        var frequency = Ranks(population, v => v.Frequency);
        var monetary = Ranks(population, v => v.MonetaryUnits);
        var scores = new RfmScore[n];
        for (var i = 0; i < n; i++)
            scores[i] = new RfmScore(population[i], recency[i], frequency[i], monetary[i], 6 - Bin(recency[i], n), Bin(frequency[i], n), Bin(monetary[i], n));
        return scores;
    }

    /// <summary>The quintile of rank <paramref name="k"/> (1-based) among <paramref name="n"/>.</summary>
    public static int Bin(int k, int n) => n <= 1 ? 1 : Math.Max(1, (int)((5L * (k - 1) + n - 2) / (n - 1)));

    private static int[] Ranks(IReadOnlyList<RfmValues> population, Func<RfmValues, long> value)
    {
        var order = Enumerable.Range(0, population.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = value(population[a]).CompareTo(value(population[b]));
            return c != 0 ? c : CustomerIdComparer.Instance.Compare(population[a].CustomerId, population[b].CustomerId);
        });
        var ranks = new int[population.Count];
        for (var position = 0; position < order.Length; position++) ranks[order[position]] = position + 1;
        return ranks;
    }
}
