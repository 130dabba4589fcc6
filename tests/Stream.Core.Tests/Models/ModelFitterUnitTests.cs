using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

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
    public void Fitting_nothing_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ModelFitter.FitBgNbd([]));
        Assert.Throws<ArgumentException>(() => ModelFitter.FitGammaGamma([new RepeatPurchaseSummary(0, 0, 10, 0)]));
    }
}
