using MathNet.Numerics.Distributions;

namespace Stream.Core.Models;

/// <summary>
/// Draws customer histories from the BG/NBD process itself (λ ~ Gamma(r, α), p ~ Beta(a, b); Poisson
/// purchases at rate λ, after each repeat purchase the customer drops out with probability p), for
/// benchmarks and for checking that a fit recovers known parameters. Seeded.
/// </summary>
public static class BgNbdPopulation
{
    public static List<RepeatPurchaseSummary> Draw(BgNbdParameters p, int customers, double maxAgeDays, int seed)
    {
        var random = new Random(seed);
        var rate = new Gamma(p.R, p.Alpha, random);
        var dropout = new Beta(p.A, p.B, random);
        var result = new List<RepeatPurchaseSummary>(customers);
        for (var i = 0; i < customers; i++)
        {
            var age = Math.Ceiling(random.NextDouble() * maxAgeDays);
            var lambda = rate.Sample();
            var q = dropout.Sample();
            double t = 0, last = 0;
            var x = 0;
            while (true)
            {
                t += -Math.Log(1 - random.NextDouble()) / lambda;
                if (t > age) break;
                x++;
                last = t;
                if (random.NextDouble() < q) break;
            }
            result.Add(new RepeatPurchaseSummary(x, x > 0 ? last : 0, age, 0));
        }
        return result;
    }
}
