using Stream.Core.Models;
using Stream.Producer.Replay;

namespace Stream.Producer.Tests;

public sealed class SummaryCsvUnitTests
{
    [Fact]
    public void Both_library_layouts_read_by_header_name()
    {
        var fhs = SummaryCsv.Read(new StringReader("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n3,0,0.00,38.86,0.00\n"));
        Assert.Equal([new RepeatPurchaseSummary(2, 30.43, 38.86, 22.35), new RepeatPurchaseSummary(0, 0, 38.86, 0)], fhs);
        var lifetimes = SummaryCsv.Read(new StringReader("customer_id,frequency,recency,T\nc1,1,5,10\n"));
        Assert.Equal([new RepeatPurchaseSummary(1, 5, 10, 0)], lifetimes);
    }

    [Theory]
    [InlineData("x,t_x\n1,2\n", "expected columns")]
    [InlineData("x,t_x,T\n1,2,abc\n", "line 2: column T")]
    [InlineData("x,t_x,T\n1,-2,3\n", "line 2: column t_x")]
    [InlineData("x,t_x,T\n1,5,3\n", "line 2: recency 5 exceeds T 3")]
    public void Bad_input_is_refused_with_the_line_and_reason(string csv, string reason)
    {
        var error = Assert.Throws<FormatException>(() => SummaryCsv.Read(new StringReader(csv)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
