using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

[Trait("Category", "Unit")]
public sealed class ModelFitterUnitTests
{
    [Fact]
    public void A_fit_recovers_the_parameters_a_population_was_drawn_from()
    {
        var truth = new BgNbdParameters(0.5, 20, 0.8, 3.0);
        var population = BgNbdPopulation.Draw(truth, 100_000, 365, seed: 11);
        var fit = ModelFitter.FitBgNbd(population).Parameters;
        Assert.InRange(fit.R / truth.R, 0.93, 1.07);
        Assert.InRange(fit.Alpha / truth.Alpha, 0.9, 1.1);
        Assert.InRange(fit.A / truth.A, 0.85, 1.15);
        Assert.InRange(fit.B / truth.B, 0.85, 1.15);
    }

    [Fact]
    public void A_population_without_dropout_has_no_finite_fit_and_says_so()
    {
        // Everybody buys 1–4 times on random days of 300: purchases spread with no sign of anybody leaving, so the
        // likelihood keeps rising as the parameters run away. The fit stops (diverged, or at the iteration cap)
        // with an error the population model reports, instead of iterating on.
        var random = new Random(5);
        var population = Enumerable.Range(0, 1_000).Select(_ =>
        {
            var days = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(300)).Distinct().ToList();
            return new RepeatPurchaseSummary(days.Count - 1, days.Max() - days.Min(), 300 - days.Min(), 0);
        }).ToList();
        var error = Assert.ThrowsAny<MathNet.Numerics.Optimization.OptimizationException>(() => ModelFitter.FitBgNbd(population));
        Assert.True(error.Message.Contains("no finite maximum", StringComparison.Ordinal) || error.Message.Contains("Maximum iterations", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Fitting_nothing_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ModelFitter.FitBgNbd([]));
        Assert.Throws<ArgumentException>(() => ModelFitter.FitGammaGamma([new RepeatPurchaseSummary(0, 0, 10, 0)]));
    }
}
