using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

[Trait("Category", "Unit")]
public sealed class ModelEdgeCaseUnitTests
{
    private static readonly BgNbdParameters Bg = new(0.26712777455768094, 41.905447622667, 0.4835169148279787, 2.111608102583098);
    private static readonly GammaGammaParameters Gg = new(5.086044107244755, 3.9951207390128523, 21.252237644896045);

    public static TheoryData<double, double, double, double> Histories => new()
    {
        { 0, 0, 500, 0 },             // one purchase day only
        { 0, 0, 0, 0 },               // first purchase today
        { 3, 0, 0, 10 },              // several purchases, all on the first day... and "now"
        { 5, 300, 300, 40 },          // recency = T: bought today
        { 10_000, 3_000, 3_000, 25 }, // very large frequency
        { 50_000, 1_000, 5_000, 5 },  // huge frequency, long silent
        { 1, 30, 400, 0 },            // repeat purchase worth nothing
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Predictions_stay_finite_and_in_range(double x, double tx, double t, double m)
    {
        var c = new RepeatPurchaseSummary(x, tx, t, m);
        var alive = BgNbd.ProbabilityAlive(Bg, c);
        Assert.InRange(alive, 0, 1);
        var previous = 0.0;
        foreach (var days in new[] { 30.0, 90, 365, 3650 })
        {
            var e = BgNbd.ExpectedPurchases(Bg, c, days);
            Assert.True(double.IsFinite(e) && e >= previous, $"E({days}) = {e}");
            previous = e;
        }
        var clv = CustomerLifetimeValue.Compute(Bg, Gg, c);
        Assert.True(double.IsFinite(clv) && clv >= 0, $"CLV {clv}");
        Assert.True(double.IsFinite(BgNbd.LogLikelihood(Bg, c)));
    }

    [Fact]
    public void A_long_silence_after_frequent_buying_means_probably_gone()
    {
        var recent = BgNbd.ProbabilityAlive(Bg, new RepeatPurchaseSummary(20, 360, 365, 30));
        var silent = BgNbd.ProbabilityAlive(Bg, new RepeatPurchaseSummary(20, 100, 365, 30));
        Assert.True(silent < 0.05 && recent > 0.9, $"silent {silent}, recent {recent}");
    }

    [Fact]
    public void Spend_shrinks_toward_the_population_mean_for_few_purchases()
    {
        Assert.Equal(Gg.PopulationMeanSpend, GammaGamma.ExpectedAverageProfit(Gg, 0, 0), 12);
        var one = GammaGamma.ExpectedAverageProfit(Gg, 1, 100);
        var many = GammaGamma.ExpectedAverageProfit(Gg, 100, 100);
        Assert.True(one < many && many < 100 && one > Gg.PopulationMeanSpend);
    }
}
