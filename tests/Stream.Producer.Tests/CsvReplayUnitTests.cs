using System.Text;
using Stream.Core.Events;
using Stream.Producer.Replay;

namespace Stream.Producer.Tests;

[Trait("Category", "Unit")]
public sealed class CsvReplayUnitTests
{
    [Fact]
    public void A_generic_export_with_quoted_amounts_and_names_with_commas_keeps_every_column()
    {
        // A BOM, CRLF line ends, extra columns in any order, a quoted name with a comma, a quoted quote and a
        // line break inside a quoted field.
        const string csv = "\uFEFFname,customer_id,amount,timestamp,quantity\r\n"
            + "\"Smith, Anna\",c1,\"1,234.50\",2024-03-01T10:00:00Z,2\r\n"
            + "\"Jones \"\"JJ\"\", Bob\",c2,12.00,2024-03-02,\r\n"
            + "\"Lee,\r\nKim\",c3,\"7.25\",2024-03-03T00:00:00+02:00,0\r\n"
            + "Plain,c4,3,2024-03-04,1\r\n";
        var errors = new List<CsvRowError>();
        var events = CsvReplay.Read(new StringReader(csv), CsvFormat.Generic, "x", "USD", errors).ToList();

        Assert.Empty(errors);
        Assert.Equal(["c1", "c2", "c3", "c4"], events.Select(e => e.CustomerId));
        Assert.Equal([1234.50m, 12.00m, 7.25m, 3m], events.Select(e => e.Amount!.Value));
        Assert.Equal([2, (int?)null, null, 1], events.Select(e => e.Quantity));
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 22, 0, 0, TimeSpan.Zero), events[2].OccurredAt);
        // Ids are the line each row starts on; the row after a two-line field starts two lines later.
        Assert.Equal(["x-2", "x-3", "x-4", "x-6"], events.Select(e => e.EventId));
        Assert.All(events, e => Assert.Equal(EventType.Purchase, e.Type));
    }

    [Fact]
    public void Broken_rows_are_reported_by_line_and_the_rest_replays()
    {
        var csv = new StringBuilder("customer_id,timestamp,amount,quantity\n");
        for (var i = 0; i < 10; i++)
        {
            var line = i switch
            {
                2 => "c2,not-a-date,5.00,1",
                5 => "c5,2024-01-05,\"12,x\",1",
                7 => "c7,2024-01-07",
                _ => $"c{i},2024-01-{i + 1:00},{i + 1}.50,1",
            };
            csv.Append(line).Append('\n');
        }
        var errors = new List<CsvRowError>();
        var events = CsvReplay.Read(new StringReader(csv.ToString()), CsvFormat.Generic, "b", "USD", errors).ToList();

        Assert.Equal([4L, 7L, 9L], errors.Select(e => e.Line));
        Assert.Contains("not-a-date", errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("amount '12,x'", errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("2 fields", errors[2].Reason, StringComparison.Ordinal);
        Assert.Equal(["c0", "c1", "c3", "c4", "c6", "c8", "c9"], events.Select(e => e.CustomerId));
        Assert.Equal(["b-2", "b-3", "b-5", "b-6", "b-8", "b-10", "b-11"], events.Select(e => e.EventId));
    }

    [Fact]
    public void A_stray_quote_is_a_reported_row_not_a_shifted_one()
    {
        var errors = new List<CsvRowError>();
        var events = CsvReplay.Read(new StringReader("customer_id,date,quantity,amount\na\"b,1997-01-01,1,2.00\nc,1997-01-02,1,3.00\n"),
            CsvFormat.Cdnow, "q", "USD", errors).ToList();
        Assert.Equal(2, Assert.Single(errors).Line);
        Assert.Equal("c", Assert.Single(events).CustomerId);
    }

    [Fact]
    public void A_header_without_the_layouts_columns_is_refused_naming_them()
    {
        var error = Assert.Throws<FormatException>(() => CsvReplay.Read(new StringReader("customer_id,when,amount\n"), CsvFormat.Generic, "x", "USD", []));
        Assert.Contains("missing timestamp", error.Message, StringComparison.Ordinal);
    }
}
