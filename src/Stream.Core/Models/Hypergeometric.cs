namespace Stream.Core.Models;

/// <summary>Gauss's hypergeometric function ₂F₁(a, b; c; z) by its power series, for 0 ≤ z &lt; 1.</summary>
public static class Hypergeometric
{
    public static double F21(double a, double b, double c, double z)
    {
        if (z is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(z), z, "the series needs 0 ≤ z < 1");
        double sum = 1, term = 1;
        for (var n = 0; n < 100_000; n++)
        {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum)) return sum;
        }
        throw new ArithmeticException($"2F1({a}, {b}; {c}; {z}) did not converge");
    }
}
