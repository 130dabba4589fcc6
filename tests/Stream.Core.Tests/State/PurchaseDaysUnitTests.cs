using FsCheck;
using FsCheck.Fluent;
using Stream.Core.State;

namespace Stream.Core.Tests.State;

[Trait("Category", "Unit")]
public sealed class PurchaseDaysUnitTests
{
    [Fact]
    public void Same_day_purchases_count_once_and_late_days_inside_the_horizon_are_recognised()
    {
        var days = new PurchaseDays();
        Assert.True(days.Add(1000));
        Assert.False(days.Add(1000));
        Assert.True(days.Add(1100));
        Assert.True(days.Add(1050));
        Assert.False(days.Add(1050));
        Assert.Equal(3, days.DistinctDays);
        Assert.Equal(1000, days.FirstDay);
        Assert.Equal(1100, days.LastDay);
        Assert.True(days.Contains(1050));
        Assert.False(days.Contains(1051));
    }

    /// <summary>Within the horizon, the count equals a brute-force distinct count in any order.</summary>
    [Fact]
    public void Distinct_days_match_a_brute_force_count_for_any_order()
    {
        var property = Prop.ForAll(Gen.ListOf(Gen.Choose(10_000, 10_000 + PurchaseDays.HorizonDays - 1)).ToArbitrary(), list =>
        {
            var days = new PurchaseDays();
            foreach (var d in list) days.Add(d);
            return days.DistinctDays == list.Distinct().Count()
                && (list.Count == 0 || (days.FirstDay == list.Min() && days.LastDay == list.Max()));
        });
        Check.QuickThrowOnFailure(property);
    }

    [Fact]
    public void A_jump_beyond_the_horizon_keeps_the_lifetime_count()
    {
        var days = new PurchaseDays();
        days.Add(0);
        days.Add(3);
        days.Add(5_000);
        Assert.Equal(3, days.DistinctDays);
        Assert.False(days.Contains(3));
        Assert.False(days.Add(0));
    }
}
