using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Scoring;

[Trait("Category", "Unit")]
public sealed class PopulationModelUnitTests
{
    private static readonly AnalyticsOptions Options = new();

    [Fact]
    public void Cut_points_score_distinct_values_exactly_as_ranking_the_population_does()
    {
        var random = new Random(11);
        foreach (var n in new[] { 1, 2, 3, 4, 5, 6, 7, 11, 100, 1_001 })
        {
            var values = Enumerable.Range(0, n).Select(i => (long)i * 3).OrderBy(_ => random.Next()).ToArray();
            var population = values.Select((v, i) => new RfmValues(i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), (int)v, (int)v, v, 0, 0)).ToList();
            var ranked = RfmScorer.Score(population);
            var sorted = values.Order().ToArray();
            var edges = QuintileEdges.Of(sorted);
            foreach (var s in ranked)
            {
                Assert.Equal(s.F, edges.Bin(s.Values.Frequency));
                Assert.Equal(s.R, 6 - edges.Bin(s.Values.RecencyDays));
            }
        }
    }

    [Fact]
    public void Tier_thresholds_place_distinct_values_exactly_as_ranking_does()
    {
        var random = new Random(5);
        var customers = Enumerable.Range(0, 2_000).Select(i => (Id: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (long)(random.NextDouble() * random.NextDouble() * 1e6) * 10 + i % 10 - 3)).ToList();
        var ranked = ValueTiers.Assign(customers, Options);
        var thresholds = TierThresholds.Of(customers.Select(c => c.Value).OrderDescending().ToArray(), Options);
        foreach (var (id, value) in customers) Assert.Equal(ranked[id], thresholds.Of(value));
    }

    /// <summary>Above the exact limit the cut points come from a sample; their true ranks stay within the documented bound.</summary>
    [Fact]
    public void A_sampled_population_keeps_cut_points_within_the_documented_rank_error()
    {
        const int n = 40_000, limit = 2_000;
        var day = 20_000;
        var random = new Random(3);
        var recencies = new List<long>(n);
        var exact = new PopulationModelBuilder(day, Options, exactLimit: n);
        var sampled = new PopulationModelBuilder(day, Options, exactLimit: limit, seed: 9);
        for (var i = 0; i < n; i++)
        {
            var state = new CustomerState();
            var lastDay = day - (int)(random.NextDouble() * random.NextDouble() * 400);
            state.Apply(new CustomerEvent
            {
                EventId = "e" + i, CustomerId = "c" + i, OccurredAt = DateTimeOffset.UnixEpoch.AddDays(lastDay).AddHours(1), Type = EventType.Purchase,
                OrderId = "o", Amount = 10, Currency = "USD",
            });
            recencies.Add(day - lastDay);
            exact.Add(state);
            sampled.Add(state);
        }
        var e = exact.Build(1, DateTimeOffset.UnixEpoch);
        var s = sampled.Build(1, DateTimeOffset.UnixEpoch);
        Assert.False(e.Sampled);
        Assert.True(s.Sampled);
        Assert.Equal(limit, s.SampleSize);
        Assert.Equal(n, s.Customers);
        Assert.Equal(PopulationModelBuilder.RankErrorBound(limit, 0.01), s.RankError, 12);

        var sorted = recencies.Order().ToArray();
        for (var i = 0; i < 4; i++)
        {
            var target = (i + 1) / 5.0;
            var cut = s.RecencyDays.Upper[i];
            // The share of the population at or below the sampled cut point, against the target quantile;
            // ties mean the cut point covers a range of ranks, so the range must come within the bound.
            var below = sorted.Count(v => v < cut) / (double)n;
            var atOrBelow = sorted.Count(v => v <= cut) / (double)n;
            Assert.True(below - s.RankError <= target && target <= atOrBelow + s.RankError, $"cut {i}: [{below}, {atOrBelow}] vs {target} ± {s.RankError}");
        }
        Assert.Equal(e.RecencyDays.Upper.Length, s.RecencyDays.Upper.Length);
    }

    [Fact]
    public void Models_are_fitted_once_enough_customers_buy_again_and_a_failed_fit_leaves_them_out()
    {
        var day = 20_400;
        var builder = new PopulationModelBuilder(day, Options);
        var random = new Random(1);
        for (var i = 0; i < 2_000; i++)
        {
            // A BG/NBD-shaped history: a personal purchase rate, and a chance to leave after each purchase.
            var state = new CustomerState();
            var rate = 0.1 * random.NextDouble() * random.NextDouble();
            var meanSpend = 10 + 200 * random.NextDouble() * random.NextDouble();
            var t = (double)random.Next(400);
            var k = 0;
            do
            {
                state.Apply(new CustomerEvent
                {
                    EventId = $"e{i}-{k++}", CustomerId = "c", OccurredAt = DateTimeOffset.UnixEpoch.AddDays(20_000 + t).AddHours(1),
                    Type = EventType.Purchase, OrderId = "o", Amount = Math.Round((decimal)(meanSpend * (0.5 + random.NextDouble())), 2), Currency = "USD",
                });
                t += -Math.Log(1 - random.NextDouble()) / rate;
            }
            while (t < 400 && random.NextDouble() > 0.3);
            builder.Add(state);
        }
        var model = builder.Build(3, DateTimeOffset.UnixEpoch);
        Assert.True(model.HasValueModels, model.ModelProblem);
        Assert.True(model.Churn!.IsValid);
        Assert.True(double.IsFinite(model.ChurnLogLikelihood!.Value));
        Assert.Equal(2_000, model.Purchasers);

        var few = new PopulationModelBuilder(day, Options);
        few.Add(new CustomerState());
        var none = few.Build(1, DateTimeOffset.UnixEpoch);
        Assert.False(none.HasValueModels);
        Assert.Contains("repeat buyers", none.ModelProblem);
    }
}
