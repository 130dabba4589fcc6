using System.Globalization;
using Stream.Core.Events;

namespace Stream.Producer.Replay;

/// <summary>The CSV layouts <c>stream replay</c> reads.</summary>
public enum CsvFormat
{
    /// <summary><c>customer_id,date,quantity,amount</c> with ISO dates: the CDNOW data set.</summary>
    Cdnow,

    /// <summary><c>customer_id,timestamp,amount[,quantity]</c> with RFC 3339 timestamps or ISO dates.</summary>
    Generic,
}

/// <summary>
/// Turns a CSV of purchases into purchase events with stable ids (<c>{prefix}-{line}</c>), so replaying the
/// same file twice is recognised as re-delivery, and identical rows on different lines stay distinct.
/// </summary>
public static class CsvReplay
{
    public static IEnumerable<CustomerEvent> Read(TextReader csv, CsvFormat format, string idPrefix, string currency)
    {
        var header = csv.ReadLine() ?? throw new FormatException("the file is empty");
        var columns = header.Split(',');
        var expected = format == CsvFormat.Cdnow ? new[] { "customer_id", "date", "quantity", "amount" } : ["customer_id", "timestamp", "amount"];
        if (!expected.SequenceEqual(columns.Take(expected.Length)))
            throw new FormatException($"expected a header starting {string.Join(',', expected)}, found {header}");

        var line = 1;
        while (csv.ReadLine() is { } row)
        {
            line++;
            if (row.Length == 0) continue;
            var f = row.Split(',');
            if (f.Length < expected.Length) throw new FormatException($"line {line}: {f.Length} fields, expected {expected.Length}");
            yield return format == CsvFormat.Cdnow
                ? Purchase(idPrefix, line, f[0], ParseTime(f[1]), decimal.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), currency)
                : Purchase(idPrefix, line, f[0], ParseTime(f[1]), decimal.Parse(f[2], CultureInfo.InvariantCulture),
                    f.Length > 3 && f[3].Length > 0 ? int.Parse(f[3], CultureInfo.InvariantCulture) : null, currency);
        }
    }

    private static CustomerEvent Purchase(string prefix, int line, string customerId, DateTimeOffset at, decimal amount, int? quantity, string currency) => new()
    {
        EventId = $"{prefix}-{line}",
        CustomerId = customerId,
        OccurredAt = at,
        Type = EventType.Purchase,
        OrderId = $"{prefix}-{line}",
        Amount = amount,
        Currency = currency,
        // A quantity of 0 exists in some exports; the contract counts items from 1, so it is left out.
        Quantity = quantity is > 0 ? quantity : null,
    };

    private static DateTimeOffset ParseTime(string s) =>
        s.Length == 10
            ? new DateTimeOffset(DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
