using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Stream.Producer.Replay;

/// <summary>A data row of a CSV file: the line it starts on, its fields, and why it is malformed (null when it is not).</summary>
public readonly record struct CsvRow(long Line, string[] Fields, string? Malformed);

/// <summary>A row that was not read, with the line it starts on; the rest of the file carries on.</summary>
public sealed record CsvRowError(long Line, string Reason)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line}: {Reason}");
}

/// <summary>
/// RFC 4180 records through CsvHelper's parser: quoted fields with commas, quotes or line breaks, CRLF or LF,
/// and a byte-order mark are read as written, so a field never shifts into its neighbour's column.
/// </summary>
public sealed class CsvRows
{
    private readonly string[] _header;

    private CsvRows(string[] header, IEnumerable<CsvRow> rows) => (_header, Rows) = (header, rows);

    /// <summary>Column names of the first record, trimmed.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The data rows, read lazily; blank lines are skipped.</summary>
    public IEnumerable<CsvRow> Rows { get; }

    public int IndexOf(string column) => Array.IndexOf(_header, column);

    public static CsvRows Open(TextReader reader)
    {
        string? malformed = null;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            IgnoreBlankLines = true,
            // RFC 4180 allows a quote only around a whole field; anything else is reported with its row, not guessed at.
            BadDataFound = _ => malformed ??= "a quote inside an unquoted field, or text after a closing quote",
        };
        var parser = new CsvParser(reader, config, leaveOpen: true);
        if (!parser.Read() || parser.Record is not { } first)
        {
            parser.Dispose();
            throw new FormatException("the file is empty");
        }
        var header = first.Select((name, i) => (i == 0 ? name.TrimStart('\uFEFF') : name).Trim()).ToArray();
        malformed = null;
        return new CsvRows(header, Read(parser, () => malformed, () => malformed = null));
    }

    private static IEnumerable<CsvRow> Read(CsvParser parser, Func<string?> malformed, Action clear)
    {
        using (parser)
        {
            while (parser.Read())
            {
                // RawRow is the line the record ends on; a quoted field may span lines.
                var raw = parser.RawRecord.AsSpan().TrimEnd("\r\n");
                var line = parser.RawRow - raw.Count('\n');
                yield return new CsvRow(line, parser.Record ?? [], malformed());
                clear();
            }
        }
    }
}
