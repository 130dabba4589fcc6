using Stream.Core.Models;
using Stream.Producer.Replay;

namespace Stream.Producer.Tests;

[Trait("Category", "Unit")]
public sealed class SummaryCsvUnitTests
{
    [Fact]
    public void Both_library_layouts_read_by_header_name()
    {
        var errors = new List<CsvRowError>();
        var fhs = SummaryCsv.Read(new StringReader("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n3,0,0.00,38.86,0.00\n"), errors);
        Assert.Equal([new RepeatPurchaseSummary(2, 30.43, 38.86, 22.35), new RepeatPurchaseSummary(0, 0, 38.86, 0)], fhs);
        var lifetimes = SummaryCsv.Read(new StringReader("\"customer_id\",\"frequency\",\"recency\",\"T\"\r\n\"c1, Ltd\",1,5,10\r\n"), errors);
        Assert.Equal([new RepeatPurchaseSummary(1, 5, 10, 0)], lifetimes);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_header_without_the_needed_columns_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => SummaryCsv.Read(new StringReader("x,t_x\n1,2\n"), []));
        Assert.Contains("expected columns", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x,t_x,T\n1,2,abc\n0,0,3\n", "line 2: column T")]
    [InlineData("x,t_x,T\n1,-2,3\n0,0,3\n", "line 2: column t_x")]
    [InlineData("x,t_x,T\n1,5,3\n0,0,3\n", "line 2: recency 5 exceeds T 3")]
    public void A_bad_row_is_reported_with_its_line_and_reason_and_the_rest_is_read(string csv, string reason)
    {
        var errors = new List<CsvRowError>();
        var read = SummaryCsv.Read(new StringReader(csv), errors);
        Assert.Equal([new RepeatPurchaseSummary(0, 0, 3, 0)], read);
        Assert.Contains(reason, Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }
}
