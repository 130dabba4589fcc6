namespace Stream.Core.Models;

/// <summary>
/// A customer's purchase history as the BG/NBD and Gamma-Gamma models see it, in days:
/// <paramref name="Frequency"/> repeat purchase days (x), <paramref name="Recency"/> days from the first to the
/// last purchase day (t_x), <paramref name="Age"/> days from the first purchase day to "now" (T), and
/// <paramref name="MonetaryValue"/> the mean spend of the repeat purchase days (0 when x = 0).
/// </summary>
public readonly record struct RepeatPurchaseSummary(double Frequency, double Recency, double Age, double MonetaryValue);
