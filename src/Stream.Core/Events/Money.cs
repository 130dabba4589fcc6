namespace Stream.Core.Events;

/// <summary>
/// Amounts in state are whole ten-thousandths of the currency unit (4 decimals cover every ISO 4217
/// currency), so sums are exact integers and never drift like doubles.
/// </summary>
public static class Money
{
    public const long UnitsPerWhole = 10_000;

    /// <summary>Largest accepted single amount; keeps every per-customer sum far from overflow.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static long ToUnits(decimal amount) => (long)(amount * UnitsPerWhole);

    /// <summary>A model estimate (expected value, CLV) in units, rounded to the nearest.</summary>
    public static long ToUnits(double amount) => (long)Math.Round(amount * UnitsPerWhole);

    public static decimal FromUnits(long units) => units / (decimal)UnitsPerWhole;

    public static bool HasAtMostFourDecimals(decimal amount) => decimal.Round(amount, 4) == amount;
}
