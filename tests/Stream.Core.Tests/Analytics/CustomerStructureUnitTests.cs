using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.Analytics;

[Trait("Category", "Unit")]
public sealed class CustomerStructureUnitTests
{
    private static StructureMember Member(CustomerType type, string region, ValueTier tier, long value) =>
        new(new CustomerProfile { CustomerType = type, Region = region }, tier, RfmSegment.Loyal, LifecycleStage.Active, value);

    [Fact]
    public void Groups_count_customers_and_value_per_dimension()
    {
        var members = new[]
        {
            Member(CustomerType.Enterprise, "europe", ValueTier.Premium, 900),
            Member(CustomerType.Individual, "europe", ValueTier.Marginal, 10),
            Member(CustomerType.Individual, "asia-pacific", ValueTier.Growth, 90),
        };
        var views = CustomerStructure.Build(members);
        Assert.Equal([("individual", 2, 100L), ("enterprise", 1, 900L)], views["type"].Select(g => (g.Value, g.Customers, g.ValueUnits)));
        Assert.Equal([("europe", 2, 910L), ("asia-pacific", 1, 90L)], views["region"].Select(g => (g.Value, g.Customers, g.ValueUnits)));
        Assert.All(views.Values, groups => Assert.Equal(3, groups.Sum(g => g.Customers)));
    }

    [Fact]
    public void A_group_worth_more_than_a_long_holds_reads_its_maximum()
    {
        var members = Enumerable.Range(0, 3).Select(_ => Member(CustomerType.Enterprise, "europe", ValueTier.Premium, long.MaxValue / 2)).ToList();
        Assert.Equal(long.MaxValue, CustomerStructure.Build(members)["type"].Single().ValueUnits);
    }

    [Fact]
    public void Free_text_dimensions_keep_a_bounded_number_of_groups()
    {
        var members = Enumerable.Range(0, 100).Select(i => Member(CustomerType.Individual, "region-" + i, ValueTier.Marginal, 1)).ToList();
        var regions = CustomerStructure.Build(members)["region"];
        Assert.Equal(CustomerStructure.MaxFreeTextGroups, regions.Count);
        Assert.Equal("other", regions[^1].Value);
        Assert.Equal(100, regions.Sum(g => g.Customers));
    }
}
