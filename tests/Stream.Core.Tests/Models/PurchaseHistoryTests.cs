using System.Globalization;
using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

[Trait("Category", "Unit")]
public sealed class PurchaseHistoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal static IEnumerable<(string, DateOnly, decimal)> CdnowPurchases() =>
        File.ReadLines(ReferenceData.PathOf("cdnow", "transactions.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (f[0], DateOnly.ParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture), decimal.Parse(f[3], CultureInfo.InvariantCulture)));

    [Fact]
    public void Summaries_from_the_raw_transactions_equal_the_reference_summary()
    {
        var summaries = PurchaseHistory.Summarise(CdnowPurchases(), new DateOnly(1998, 6, 30));
        Assert.Equal(23_570, summaries.Count);
        foreach (var (id, expected) in CdnowReference.Summary.Value)
        {
            var s = summaries[id.ToString(CultureInfo.InvariantCulture)];
            Assert.Equal(expected.Frequency, s.Frequency);
            Assert.Equal(expected.Recency, s.Recency);
            Assert.Equal(expected.Age, s.Age);
            Assert.True(Math.Abs(expected.MonetaryValue - s.MonetaryValue) <= 1e-9, $"customer {id}: {s.MonetaryValue} vs {expected.MonetaryValue}");
        }
    }

    [Fact]
    public void A_model_fitted_on_a_calibration_period_ranks_the_holdout_like_the_actuals()
    {
        var purchases = CdnowPurchases().ToList();
        var calibrationEnd = new DateOnly(1997, 9, 30);
        var end = new DateOnly(1998, 6, 30);
        var calibration = PurchaseHistory.Summarise(purchases, calibrationEnd);
        var fit = ModelFitter.FitBgNbd(calibration.Values);
        var holdout = PurchaseHistory.PurchaseDaysBetween(purchases, calibrationEnd, end);
        var table = CalibrationTable.Build(fit.Parameters, calibration, holdout, end.DayNumber - calibrationEnd.DayNumber);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7+"], table.Select(r => r.Frequency));
        foreach (var r in table) output.WriteLine($"{r.Frequency,3} {r.Customers,6} expected {r.Expected:F3} actual {r.Actual:F3}");
        Assert.Equal(calibration.Count, table.Sum(r => r.Customers));
        // More calibration purchases predict more holdout purchases, and so it is in the data.
        Assert.All(table.Zip(table.Skip(1)), p => Assert.True(p.Second.Expected > p.First.Expected && p.Second.Actual > p.First.Actual));
        // Aggregate sanity only: on daily CDNOW the model under-predicts the holdout by about 14%.
        var ratio = table.Sum(r => r.Expected * r.Customers) / table.Sum(r => r.Actual * r.Customers);
        output.WriteLine($"expected / actual over the holdout: {ratio:F3}");
        Assert.InRange(ratio, 0.75, 1.25);
    }
}
