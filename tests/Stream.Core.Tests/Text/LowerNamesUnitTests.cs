using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Text;

namespace Stream.Core.Tests.Text;

[Trait("Category", "Unit")]
public sealed class LowerNamesUnitTests
{
    [Fact]
    public void Members_have_their_lower_case_names_made_once()
    {
        Assert.Equal("premium", ValueTier.Premium.LowerName());
        Assert.Equal("reactivated", LifecycleStage.Reactivated.LowerName());
        Assert.Equal("government", CustomerType.Government.LowerName());
        Assert.Same(ValueTier.Growth.LowerName(), ValueTier.Growth.LowerName());
    }

    [Fact]
    public void A_value_that_is_no_member_reads_as_its_number()
    {
        Assert.Equal("99", ((ValueTier)99).LowerName());
    }
}
