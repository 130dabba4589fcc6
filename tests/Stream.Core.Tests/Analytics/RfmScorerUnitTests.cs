using Stream.Core.Analytics;

namespace Stream.Core.Tests.Analytics;

[Trait("Category", "Unit")]
public sealed class RfmScorerUnitTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4714, 1)]
    [InlineData(4715, 2)]
    [InlineData(9428, 2)]
    [InlineData(9429, 3)]
    [InlineData(18857, 5)]
    [InlineData(23570, 5)]
    public void Bins_follow_the_closed_form_of_the_reference(int rank, int bin) => Assert.Equal(bin, RfmScorer.Bin(rank, 23_570));

    [Fact]
    public void Ties_are_broken_by_customer_id_so_equal_values_can_score_differently()
    {
        var population = Enumerable.Range(1, 10).Select(i => new RfmValues(i.ToString(System.Globalization.CultureInfo.InvariantCulture), 30, 1, 100, 0, 0)).ToList();
        var scores = RfmScorer.Score(population);
        Assert.Equal(Enumerable.Range(1, 10), scores.Select(s => s.FrequencyRank));
        Assert.Equal(1, scores[0].F);
        Assert.Equal(5, scores[9].F);
        // Recency: the lower id gets the smaller rank and so the higher R.
        Assert.Equal(5, scores[0].R);
        Assert.Equal(1, scores[9].R);
    }

    [Fact]
    public void Fewer_days_since_the_last_purchase_score_a_higher_r()
    {
        var scores = RfmScorer.Score([new("a", 400, 1, 1, 0, 0), new("b", 3, 1, 1, 0, 0), new("c", 90, 1, 1, 0, 0)]);
        Assert.Equal([1, 5, 3], scores.Select(s => s.R));
    }

    [Theory]
    [InlineData(5, 5, RfmSegment.Champions)]
    [InlineData(3, 4, RfmSegment.Loyal)]
    [InlineData(4, 2, RfmSegment.PotentialLoyalists)]
    [InlineData(5, 1, RfmSegment.New)]
    [InlineData(4, 1, RfmSegment.Promising)]
    [InlineData(3, 3, RfmSegment.NeedAttention)]
    [InlineData(3, 2, RfmSegment.AboutToSleep)]
    [InlineData(2, 4, RfmSegment.AtRisk)]
    [InlineData(1, 5, RfmSegment.CantLose)]
    [InlineData(2, 2, RfmSegment.Hibernating)]
    public void Segments_follow_the_rules(int r, int f, RfmSegment segment) => Assert.Equal(segment, RfmSegments.Of(r, f));

    [Fact]
    public void Every_score_pair_has_exactly_one_segment() =>
        Assert.All(from r in Enumerable.Range(1, 5) from f in Enumerable.Range(1, 5) select (r, f), p => RfmSegments.Of(p.r, p.f));

    [Fact]
    public void Numeric_ids_order_by_value_and_come_before_other_ids()
    {
        var ids = new[] { "c-2", "10", "9", "c-10", "009", "100" }.Order(CustomerIdComparer.Instance).ToList();
        Assert.Equal(["009", "9", "10", "100", "c-10", "c-2"], ids);
    }
}

[Trait("Category", "Unit")]
public sealed class RfmWindowUnitTests
{
    [Fact]
    public void A_window_counts_only_the_purchase_days_and_spend_inside_it()
    {
        var state = new Stream.Core.State.CustomerState();
        var asOf = new DateOnly(2026, 6, 30);
        var days = new[] { -400, -200, -100, -100, -30, -5, 0 };
        var i = 0;
        foreach (var d in days)
        {
            state.Apply(new Stream.Core.Events.CustomerEvent
            {
                EventId = "p" + i++, CustomerId = "c", Type = Stream.Core.Events.EventType.Purchase, OrderId = "o", Amount = 10m, Currency = "USD",
                OccurredAt = new DateTimeOffset(asOf.AddDays(d).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
            });
        }
        var allTime = RfmValues.Of("c", state, asOf, null)!.Value;
        Assert.Equal(6, allTime.Frequency);
        Assert.Equal(70 * Stream.Core.Events.Money.UnitsPerWhole, allTime.MonetaryUnits);
        var thirty = RfmValues.Of("c", state, asOf, 30)!.Value;
        Assert.Equal(2, thirty.Frequency);
        Assert.Equal(20 * Stream.Core.Events.Money.UnitsPerWhole, thirty.MonetaryUnits);
        var year = RfmValues.Of("c", state, asOf, 365)!.Value;
        Assert.Equal(5, year.Frequency);
        Assert.Equal(0, year.RecencyDays);
        Assert.Throws<ArgumentOutOfRangeException>(() => RfmValues.Of("c", state, asOf, 400));
    }
}
