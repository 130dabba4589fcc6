using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

/// <summary>The model math against the CDNOW references (lifetimes 0.11.3; see ../shared/data/cdnow/README.md).</summary>
[Trait("Category", "Unit")]
public sealed class BgNbdCdnowTests
{
    private static readonly BgNbdParameters Reference = CdnowReference.BgNbdParameters;

    [Fact]
    public void Log_likelihood_at_the_reference_parameters_matches()
    {
        var ll = BgNbd.LogLikelihood(Reference, CdnowReference.Summary.Value.Select(s => s.Summary));
        var expected = CdnowReference.BgNbdJson.Value.GetProperty("log_likelihood_days").GetDouble();
        Assert.True(Math.Abs(ll / expected - 1) < 1e-10, $"{ll} vs {expected}");
    }

    [Fact]
    public void Predictions_at_the_reference_parameters_match_for_every_customer()
    {
        var worst = 0.0;
        foreach (var ((id, summary), expected) in CdnowReference.Summary.Value.Zip(CdnowReference.Predictions.Value))
        {
            Assert.Equal(expected.Id, id);
            worst = Math.Max(worst, RelativeError(BgNbd.ProbabilityAlive(Reference, summary), expected.PAlive));
            worst = Math.Max(worst, RelativeError(BgNbd.ExpectedPurchases(Reference, summary, 30), expected.E30));
            worst = Math.Max(worst, RelativeError(BgNbd.ExpectedPurchases(Reference, summary, 90), expected.E90));
            worst = Math.Max(worst, RelativeError(BgNbd.ExpectedPurchases(Reference, summary, 365), expected.E365));
        }
        Assert.True(worst < 1e-9, $"largest relative error {worst:E2}");
    }

    [Fact]
    public void Gamma_gamma_spend_and_clv_at_the_reference_parameters_match_for_every_customer()
    {
        var gg = CdnowReference.GammaGammaParameters;
        var worst = 0.0;
        double total = 0;
        foreach (var ((_, summary), expected) in CdnowReference.Summary.Value.Zip(CdnowReference.Predictions.Value))
        {
            worst = Math.Max(worst, RelativeError(GammaGamma.ExpectedAverageProfit(gg, summary.Frequency, summary.MonetaryValue), expected.ExpectedProfit));
            var clv = CustomerLifetimeValue.Compute(Reference, gg, summary);
            worst = Math.Max(worst, RelativeError(clv, expected.Clv12));
            total += clv;
        }
        Assert.True(worst < 1e-9, $"largest relative error {worst:E2}");
        Assert.True(RelativeError(total, 769970.8507370736) < 1e-9, $"total CLV {total}");
    }

    [Fact]
    public void Fitting_finds_the_reference_parameters_and_predictions()
    {
        var summaries = CdnowReference.Summary.Value.Select(s => s.Summary).ToList();
        var fit = ModelFitter.FitBgNbd(summaries);
        var p = fit.Parameters;
        Assert.True(RelativeError(p.R, Reference.R) < 1e-4 && RelativeError(p.Alpha, Reference.Alpha) < 1e-4
            && RelativeError(p.A, Reference.A) < 1e-4 && RelativeError(p.B, Reference.B) < 1e-4, $"fitted {p}, reference {Reference}");
        Assert.True(Math.Abs(fit.LogLikelihood - CdnowReference.BgNbdJson.Value.GetProperty("log_likelihood_days").GetDouble()) < 1e-2);

        // End-to-end with our own fit: the data set's recommended tolerance (1e-3 relative per customer). The
        // fit lands ~1e-7 relative from the reference parameters, where the likelihood surface is flat to 1e-8;
        // that moves single predictions by up to ~2e-6 absolute (see the closing note of the models issue).
        var worst = CdnowReference.Summary.Value.Zip(CdnowReference.Predictions.Value).Max(pair =>
        {
            var s = pair.First.Summary;
            var e = pair.Second;
            return new[]
            {
                RelativeError(BgNbd.ProbabilityAlive(p, s), e.PAlive), RelativeError(BgNbd.ExpectedPurchases(p, s, 30), e.E30),
                RelativeError(BgNbd.ExpectedPurchases(p, s, 90), e.E90), RelativeError(BgNbd.ExpectedPurchases(p, s, 365), e.E365),
            }.Max();
        });
        Assert.True(worst < 1e-3, $"largest relative difference {worst:E2} with fitted {p}");

        var gg = ModelFitter.FitGammaGamma(summaries);
        var reference = CdnowReference.GammaGammaParameters;
        Assert.Equal(11_515, gg.Customers);
        Assert.True(RelativeError(gg.Parameters.P, reference.P) < 1e-4 && RelativeError(gg.Parameters.Q, reference.Q) < 1e-4
            && RelativeError(gg.Parameters.V, reference.V) < 1e-4, $"fitted {gg.Parameters}, reference {reference}");
        var clvs = summaries.Select(s => CustomerLifetimeValue.Compute(p, gg.Parameters, s)).ToList();
        var clvWorst = clvs.Zip(CdnowReference.Predictions.Value).Max(c => RelativeError(c.First, c.Second.Clv12));
        Assert.True(clvWorst < 1e-4, $"largest relative CLV difference {clvWorst:E2}");
        Assert.True(RelativeError(clvs.Sum(), 769970.8507370736) < 1e-4);
    }

    private static double RelativeError(double actual, double expected) =>
        Math.Abs(expected) < 1e-12 ? Math.Abs(actual - expected) : Math.Abs(actual / expected - 1);
}
