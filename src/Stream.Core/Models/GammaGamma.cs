using MathNet.Numerics;

namespace Stream.Core.Models;

/// <summary>The Gamma-Gamma spend model: likelihood and conditional expected average spend.</summary>
public static class GammaGamma
{
    /// <summary>ln f(m_x | p, q, v, x) (note 025, eq. 1a), for x &gt; 0 and m &gt; 0; no constant dropped.</summary>
    public static double LogLikelihood(GammaGammaParameters g, double frequency, double monetary)
    {
        var px = g.P * frequency;
        return SpecialFunctions.GammaLn(px + g.Q) - SpecialFunctions.GammaLn(px) - SpecialFunctions.GammaLn(g.Q)
            + g.Q * Math.Log(g.V) + (px - 1) * Math.Log(monetary) + px * Math.Log(frequency) - (px + g.Q) * Math.Log(frequency * monetary + g.V);
    }

    /// <summary>ln f and its gradient with respect to (ln p, ln q, ln v), added into <paramref name="gradient"/>.</summary>
    public static double LogLikelihoodWithGradient(GammaGammaParameters g, double frequency, double monetary, Span<double> gradient)
    {
        var px = g.P * frequency;
        var logXmV = Math.Log(frequency * monetary + g.V);
        var psiPxQ = SpecialFunctions.DiGamma(px + g.Q);
        gradient[0] += g.P * frequency * (psiPxQ - SpecialFunctions.DiGamma(px) + Math.Log(monetary) + Math.Log(frequency) - logXmV);
        gradient[1] += g.Q * (psiPxQ - SpecialFunctions.DiGamma(g.Q) + Math.Log(g.V) - logXmV);
        gradient[2] += g.V * (g.Q / g.V - (px + g.Q) / (frequency * monetary + g.V));
        return LogLikelihood(g, frequency, monetary);
    }

    /// <summary>E[spend | x, m] = (1−w)·v·p/(q−1) + w·m with w = p·x/(p·x+q−1); the population mean when x = 0.</summary>
    public static double ExpectedAverageProfit(GammaGammaParameters g, double frequency, double monetary)
    {
        var w = frequency > 0 ? g.P * frequency / (g.P * frequency + g.Q - 1) : 0;
        return (1 - w) * g.PopulationMeanSpend + w * monetary;
    }
}
