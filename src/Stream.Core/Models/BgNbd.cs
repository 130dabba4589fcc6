using MathNet.Numerics;

namespace Stream.Core.Models;

/// <summary>
/// The BG/NBD model's likelihood and its per-customer predictions, computed in log space so that large
/// frequencies, zero repeats and recency = T stay finite.
/// </summary>
public static class BgNbd
{
    /// <summary>ln L(r, α, a, b | x, t_x, T), eq. 6 of FHL 2005, no constant dropped.</summary>
    public static double LogLikelihood(BgNbdParameters p, in RepeatPurchaseSummary c)
    {
        var (x, tx, t) = (c.Frequency, c.Recency, c.Age);
        var a1 = SpecialFunctions.GammaLn(p.R + x) - SpecialFunctions.GammaLn(p.R) + p.R * Math.Log(p.Alpha);
        var a2 = SpecialFunctions.GammaLn(p.A + p.B) + SpecialFunctions.GammaLn(p.B + x) - SpecialFunctions.GammaLn(p.B) - SpecialFunctions.GammaLn(p.A + p.B + x);
        var a3 = -(p.R + x) * Math.Log(p.Alpha + t);
        if (x <= 0) return a1 + a2 + a3;
        var a4 = Math.Log(p.A) - Math.Log(p.B + Math.Max(x, 1) - 1) - (p.R + x) * Math.Log(p.Alpha + tx);
        return a1 + a2 + LogSumExp(a3, a4);
    }

    /// <summary>
    /// ln L and its gradient with respect to (ln r, ln α, ln a, ln b), added into <paramref name="gradient"/>
    /// times <paramref name="weight"/>; returns weight · ln L.
    /// </summary>
    public static double LogLikelihoodWithGradient(BgNbdParameters p, in RepeatPurchaseSummary c, double weight, Span<double> gradient)
    {
        var (x, tx, t) = (c.Frequency, c.Recency, c.Age);
        var ll = LogLikelihood(p, c);
        var a3 = -(p.R + x) * Math.Log(p.Alpha + t);
        double w4 = 0;
        if (x > 0)
        {
            var a4 = Math.Log(p.A) - Math.Log(p.B + x - 1) - (p.R + x) * Math.Log(p.Alpha + tx);
            w4 = 1 / (1 + Math.Exp(a3 - a4));
        }
        var w3 = 1 - w4;
        var psiAbx = SpecialFunctions.DiGamma(p.A + p.B + x);
        var psiAb = SpecialFunctions.DiGamma(p.A + p.B);
        var dr = SpecialFunctions.DiGamma(p.R + x) - SpecialFunctions.DiGamma(p.R) + Math.Log(p.Alpha)
            - w3 * Math.Log(p.Alpha + t) - w4 * Math.Log(p.Alpha + tx);
        var dAlpha = p.R / p.Alpha - w3 * (p.R + x) / (p.Alpha + t) - w4 * (p.R + x) / (p.Alpha + tx);
        var da = psiAb - psiAbx + w4 / p.A;
        var db = psiAb + SpecialFunctions.DiGamma(p.B + x) - SpecialFunctions.DiGamma(p.B) - psiAbx - w4 / (p.B + Math.Max(x, 1) - 1);
        gradient[0] += weight * p.R * dr;
        gradient[1] += weight * p.Alpha * dAlpha;
        gradient[2] += weight * p.A * da;
        gradient[3] += weight * p.B * db;
        return weight * ll;
    }

    public static double LogLikelihood(BgNbdParameters p, IEnumerable<RepeatPurchaseSummary> customers) =>
        customers.Sum(c => LogLikelihood(p, c));

    /// <summary>
    /// P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)); exactly 1 when x = 0,
    /// by the convention that a customer can only drop out after a repeat purchase.
    /// </summary>
    public static double ProbabilityAlive(BgNbdParameters p, in RepeatPurchaseSummary c)
    {
        if (c.Frequency <= 0) return 1;
        var logOdds = LogDropoutOdds(p, c);
        // 1/(1+e^l), written so neither branch overflows.
        return logOdds > 0 ? Math.Exp(-logOdds) / (1 + Math.Exp(-logOdds)) : 1 / (1 + Math.Exp(logOdds));
    }

    /// <summary>Expected purchases in the next <paramref name="days"/> days given the history (eq. 10 of FHL 2005).</summary>
    public static double ExpectedPurchases(BgNbdParameters p, in RepeatPurchaseSummary c, double days)
    {
        if (days <= 0) return 0;
        var (x, t) = (c.Frequency, c.Age);
        // With z = t/(α+T+t), 1−z = (α+T)/(α+T+t); Euler's transform folds ((α+T)/(α+T+t))^(r+x) into the
        // series, leaving parameters that stay small however large x grows.
        var z = days / (p.Alpha + t + days);
        var oneMinusZ = (p.Alpha + t) / (p.Alpha + t + days);
        var hyp = Math.Pow(oneMinusZ, p.A - 1) * Hypergeometric.F21(p.A + p.B - 1 - p.R, p.A - 1, p.A + p.B + x - 1, z);
        var bracket = (p.A + p.B + x - 1) / (p.A - 1) * (1 - hyp);
        var denominator = x > 0 ? 1 + Math.Exp(LogDropoutOdds(p, c)) : 1;
        return bracket / denominator;
    }

    private static double LogDropoutOdds(BgNbdParameters p, in RepeatPurchaseSummary c) =>
        Math.Log(p.A) - Math.Log(p.B + c.Frequency - 1) + (p.R + c.Frequency) * (Math.Log(p.Alpha + c.Age) - Math.Log(p.Alpha + c.Recency));

    internal static double LogSumExp(double u, double v)
    {
        var max = Math.Max(u, v);
        return max + Math.Log(Math.Exp(u - max) + Math.Exp(v - max));
    }
}
