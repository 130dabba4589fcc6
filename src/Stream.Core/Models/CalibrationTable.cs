namespace Stream.Core.Models;

/// <summary>One row of a holdout check: customers with a given calibration frequency, expected vs actual purchases.</summary>
public sealed record CalibrationRow(string Frequency, int Customers, double Expected, double Actual);

public static class CalibrationTable
{
    /// <summary>
    /// Fits nothing: given parameters from the calibration period, compares, per calibration frequency
    /// (0–6 and 7+), the mean expected purchases in the holdout with the mean actual purchase days there.
    /// </summary>
    public static IReadOnlyList<CalibrationRow> Build(BgNbdParameters parameters, IReadOnlyDictionary<string, RepeatPurchaseSummary> calibration,
        IReadOnlyDictionary<string, int> holdoutPurchases, double holdoutDays) =>
        calibration.GroupBy(c => Math.Min((int)c.Value.Frequency, 7)).OrderBy(g => g.Key).Select(g => new CalibrationRow(
            g.Key == 7 ? "7+" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            g.Count(),
            g.Average(c => BgNbd.ExpectedPurchases(parameters, c.Value, holdoutDays)),
            g.Average(c => (double)holdoutPurchases.GetValueOrDefault(c.Key)))).ToList();
}
