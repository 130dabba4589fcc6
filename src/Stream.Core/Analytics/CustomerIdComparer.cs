namespace Stream.Core.Analytics;

/// <summary>
/// Orders customer ids for tie-breaking: numeric ids by value (so "9" precedes "10", as integer ids do in
/// the batch tools), everything else ordinally, numeric before non-numeric.
/// </summary>
public sealed class CustomerIdComparer : IComparer<string>
{
    public static CustomerIdComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var xNumeric = IsDigits(x);
        var yNumeric = IsDigits(y);
        if (xNumeric && yNumeric)
        {
            var a = x.TrimStart('0');
            var b = y.TrimStart('0');
            if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
            var c = string.CompareOrdinal(a, b);
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }
        if (xNumeric != yNumeric) return xNumeric ? -1 : 1;
        return string.CompareOrdinal(x, y);
    }

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
