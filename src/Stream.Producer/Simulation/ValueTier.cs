namespace Stream.Producer.Simulation;

/// <summary>The tier a simulated customer is drawn from (the monitor derives tiers itself from spend).</summary>
public enum ValueTier
{
    Premium,
    Growth,
    Potential,
    Marginal,
}
