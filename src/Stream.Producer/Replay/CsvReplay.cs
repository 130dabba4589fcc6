using System.Globalization;
using Stream.Core.Events;

namespace Stream.Producer.Replay;

/// <summary>The CSV layouts <c>stream replay</c> reads; columns are found by header name, others are ignored.</summary>
public enum CsvFormat
{
    /// <summary><c>customer_id,date,quantity,amount</c> with ISO dates: the CDNOW data set.</summary>
    Cdnow,

    /// <summary><c>customer_id,timestamp,amount[,quantity]</c> with RFC 3339 timestamps or ISO dates.</summary>
    Generic,
}

/// <summary>
/// Turns a CSV of purchases into purchase events with stable ids (<c>{prefix}-{line}</c>, the line a row starts
/// on), so replaying the same file twice is recognised as re-delivery, and identical rows on different lines
/// stay distinct. A row that cannot be read is added to <c>errors</c> with its line and reason, and skipped.
/// </summary>
public static class CsvReplay
{
    public static IEnumerable<CustomerEvent> Read(TextReader csv, CsvFormat format, string idPrefix, string currency, ICollection<CsvRowError> errors)
    {
        var rows = CsvRows.Open(csv);
        var (time, required) = format == CsvFormat.Cdnow ? ("date", new[] { "customer_id", "date", "quantity", "amount" }) : ("timestamp", ["customer_id", "timestamp", "amount"]);
        var missing = required.Where(c => rows.IndexOf(c) < 0).ToList();
        if (missing.Count > 0)
            throw new FormatException($"expected columns {string.Join(',', required)}; missing {string.Join(',', missing)} in header {string.Join(',', rows.Header)}");
        var (id, at, amount, quantity) = (rows.IndexOf("customer_id"), rows.IndexOf(time), rows.IndexOf("amount"), rows.IndexOf("quantity"));
        return Events(rows, id, at, amount, quantity, idPrefix, currency, errors);
    }

    private static IEnumerable<CustomerEvent> Events(CsvRows rows, int id, int at, int amount, int quantity, string prefix, string currency, ICollection<CsvRowError> errors)
    {
        foreach (var row in rows.Rows)
        {
            var reason = Parse(row, id, at, amount, quantity, out var customer, out var time, out var value, out var items);
            if (reason is not null)
            {
                errors.Add(new CsvRowError(row.Line, reason));
                continue;
            }
            yield return Purchase(prefix, row.Line, customer, time, value, items, currency);
        }
    }

    /// <summary>Null when the row reads; otherwise why not.</summary>
    private static string? Parse(CsvRow row, int id, int at, int amount, int quantity, out string customer, out DateTimeOffset time, out decimal value, out int? items)
    {
        (customer, time, value, items) = ("", default, 0, null);
        if (row.Malformed is { } malformed) return malformed;
        var f = row.Fields;
        var needed = Math.Max(id, Math.Max(at, amount)) + 1;
        if (f.Length < needed) return $"{f.Length} fields, expected at least {needed}";
        customer = f[id].Trim();
        if (customer.Length == 0) return "customer_id is empty";
        if (!TryParseTime(f[at].Trim(), out time)) return $"'{Clip(f[at])}' is not a date or RFC 3339 timestamp";
        // Thousands separators appear in exported amounts ("1,234.50"); the quotes around them are the parser's.
        if (!decimal.TryParse(f[amount].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out value)) return $"amount '{Clip(f[amount])}' is not a number";
        if (quantity >= 0 && quantity < f.Length && f[quantity].Trim() is { Length: > 0 } q)
        {
            if (!int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return $"quantity '{Clip(q)}' is not a whole number";
            // A quantity of 0 exists in some exports; the contract counts items from 1, so it is left out.
            items = n > 0 ? n : null;
        }
        return null;
    }

    private static CustomerEvent Purchase(string prefix, long line, string customerId, DateTimeOffset at, decimal amount, int? quantity, string currency)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{line}");
        return new CustomerEvent
        {
            EventId = id,
            CustomerId = customerId,
            OccurredAt = at,
            Type = EventType.Purchase,
            OrderId = id,
            Amount = amount,
            Currency = currency,
            Quantity = quantity,
        };
    }

    private static bool TryParseTime(string s, out DateTimeOffset at)
    {
        if (s.Length == 10)
        {
            var ok = DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
            at = ok ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : default;
            return ok;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    /// <summary>A field as quoted in an error: bounded, so a huge field does not flood the report.</summary>
    private static string Clip(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
