namespace Stream.Core.Events;

/// <summary>
/// Amounts in state are whole ten-thousandths of the currency unit (4 decimals cover every ISO 4217
/// currency), so sums are exact integers and never drift like doubles.
/// </summary>
public static class Money
{
    public const long UnitsPerWhole = 10_000;

    /// <summary>
    /// Largest accepted single amount: 10^16 units. About 922 of them fill a <c>long</c>, so sums of units
    /// saturate (<see cref="Add"/>, <see cref="Total"/>) instead of wrapping to a negative figure or throwing.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary><paramref name="a"/> + <paramref name="b"/>, held at <c>long.MinValue</c> or <c>long.MaxValue</c> where the sum would overflow.</summary>
    public static long Add(long a, long b) => long.CreateSaturating((Int128)a + b);

    /// <summary>The sum of the positive values, held at <c>long.MaxValue</c>: a population's total value.</summary>
    public static long Total(IEnumerable<long> values)
    {
        Int128 total = 0;
        foreach (var v in values)
        {
            if (v > 0) total += v;
        }
        return long.CreateSaturating(total);
    }

    public static long ToUnits(decimal amount) => (long)(amount * UnitsPerWhole);

    /// <summary>A model estimate (expected value, CLV) in units, rounded to the nearest.</summary>
    public static long ToUnits(double amount) => (long)Math.Round(amount * UnitsPerWhole);

    public static decimal FromUnits(long units) => units / (decimal)UnitsPerWhole;

    public static bool HasAtMostFourDecimals(decimal amount) => decimal.Round(amount, 4) == amount;
}
