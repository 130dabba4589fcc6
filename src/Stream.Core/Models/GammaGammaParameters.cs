namespace Stream.Core.Models;

/// <summary>Gamma-Gamma spend parameters (Fader and Hardie note 025): p, q and scale v.</summary>
public sealed record GammaGammaParameters(double P, double Q, double V)
{
    /// <summary>The population mean spend per purchase day, v·p/(q−1); defined for q &gt; 1.</summary>
    public double PopulationMeanSpend => V * P / (Q - 1);
}
