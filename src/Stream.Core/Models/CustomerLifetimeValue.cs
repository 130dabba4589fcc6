namespace Stream.Core.Models;

/// <summary>
/// CLV over a horizon of months (30-day months, each month's expected purchases discounted at the monthly
/// rate): Σ_k m̃ · (E(30k) − E(30(k−1))) / (1+d)^k, the convention of the batch libraries.
/// </summary>
public static class CustomerLifetimeValue
{
    public static double Compute(BgNbdParameters bg, GammaGammaParameters gg, in RepeatPurchaseSummary c, int months = 12, double monthlyDiscount = 0.01)
    {
        var spend = GammaGamma.ExpectedAverageProfit(gg, c.Frequency, c.MonetaryValue);
        double clv = 0, previous = 0;
        for (var k = 1; k <= months; k++)
        {
            var expected = BgNbd.ExpectedPurchases(bg, c, 30.0 * k);
            clv += spend * (expected - previous) / Math.Pow(1 + monthlyDiscount, k);
            previous = expected;
        }
        return clv;
    }
}
