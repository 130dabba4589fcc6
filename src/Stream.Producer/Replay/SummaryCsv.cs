using System.Globalization;
using Stream.Core.Models;

namespace Stream.Producer.Replay;

/// <summary>
/// Reads per-customer repeat-purchase summaries, in whatever time unit the file uses: the batch libraries'
/// layouts <c>frequency,recency,T[,monetary_value]</c> or <c>x,t_x,T[,zbar]</c>, found by header name (other
/// columns, such as an id, are ignored). <c>stream fit --summary</c> fits them directly. A row that cannot be
/// read is added to <c>errors</c> with its line and reason, and skipped.
/// </summary>
public static class SummaryCsv
{
    public static IReadOnlyList<RepeatPurchaseSummary> Read(TextReader csv, ICollection<CsvRowError> errors)
    {
        var rows = CsvRows.Open(csv);
        int Column(params string[] names) => names.Select(rows.IndexOf).FirstOrDefault(i => i >= 0, -1);
        var (x, tx, t, m) = (Column("frequency", "x"), Column("recency", "t_x"), Column("T"), Column("monetary_value", "zbar"));
        if (x < 0 || tx < 0 || t < 0)
            throw new FormatException($"expected columns frequency (or x), recency (or t_x) and T; found {string.Join(',', rows.Header)}");

        var summaries = new List<RepeatPurchaseSummary>();
        foreach (var row in rows.Rows)
        {
            var reason = Parse(row, rows.Header, x, tx, t, m, out var s);
            if (reason is null) summaries.Add(s);
            else errors.Add(new CsvRowError(row.Line, reason));
        }
        return summaries;
    }

    private static string? Parse(CsvRow row, IReadOnlyList<string> header, int x, int tx, int t, int m, out RepeatPurchaseSummary summary)
    {
        summary = default;
        if (row.Malformed is { } malformed) return malformed;
        var f = row.Fields;
        var values = new double[4];
        var columns = new[] { x, tx, t, m };
        for (var k = 0; k < columns.Length; k++)
        {
            var i = columns[k];
            if (i < 0) continue;
            if (i >= f.Length || !double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0)
                return $"column {header[i]} is not a non-negative number";
            values[k] = v;
        }
        summary = new RepeatPurchaseSummary(values[0], values[1], values[2], values[3]);
        return summary.Recency > summary.Age
            ? string.Create(CultureInfo.InvariantCulture, $"recency {summary.Recency} exceeds T {summary.Age}")
            : null;
    }
}
