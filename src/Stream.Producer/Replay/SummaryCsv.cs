using System.Globalization;
using Stream.Core.Models;

namespace Stream.Producer.Replay;

/// <summary>
/// Reads per-customer repeat-purchase summaries, in whatever time unit the file uses: the batch libraries'
/// layouts <c>frequency,recency,T[,monetary_value]</c> or <c>x,t_x,T[,zbar]</c>, found by header name (other
/// columns, such as an id, are ignored). <c>stream fit --summary</c> fits them directly.
/// </summary>
public static class SummaryCsv
{
    public static IReadOnlyList<RepeatPurchaseSummary> Read(TextReader csv)
    {
        var header = (csv.ReadLine() ?? throw new FormatException("the file is empty")).Split(',').Select(h => h.Trim().Trim('"')).ToList();
        int Column(params string[] names) => names.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        var (x, tx, t, m) = (Column("frequency", "x"), Column("recency", "t_x"), Column("T"), Column("monetary_value", "zbar"));
        if (x < 0 || tx < 0 || t < 0)
            throw new FormatException($"expected columns frequency (or x), recency (or t_x) and T; found {string.Join(',', header)}");

        var summaries = new List<RepeatPurchaseSummary>();
        var line = 1;
        while (csv.ReadLine() is { } row)
        {
            line++;
            if (row.Length == 0) continue;
            var f = row.Split(',');
            double Value(int i) => i < f.Length && double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
                ? v
                : throw new FormatException($"line {line}: column {header[i]} is not a non-negative number");
            var s = new RepeatPurchaseSummary(Value(x), Value(tx), Value(t), m >= 0 ? Value(m) : 0);
            if (s.Recency > s.Age) throw new FormatException($"line {line}: recency {s.Recency} exceeds T {s.Age}");
            summaries.Add(s);
        }
        return summaries;
    }
}
