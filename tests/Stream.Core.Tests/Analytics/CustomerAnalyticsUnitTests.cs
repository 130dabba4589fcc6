using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.Analytics;

[Trait("Category", "Unit")]
public sealed class CustomerAnalyticsUnitTests
{
    private static readonly AnalyticsOptions Options = new();
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;
    private const int Today = 20_000;
    private int _id;

    private CustomerEvent Purchase(int day, decimal amount) => new()
    {
        EventId = "p" + _id++, CustomerId = "c", OccurredAt = Epoch.AddDays(day).AddHours(12), Type = EventType.Purchase,
        OrderId = "o", Amount = amount, Currency = "USD",
    };

    private CustomerEvent Login(int day) => new() { EventId = "l" + _id++, CustomerId = "c", OccurredAt = Epoch.AddDays(day).AddHours(9), Type = EventType.Login };

    private CustomerState State(params CustomerEvent[] events)
    {
        var s = new CustomerState();
        foreach (var e in events) s.Apply(e);
        return s;
    }

    private LifecycleStage Stage(CustomerState s) => Lifecycle.Classify(s, Today, CustomerSignals.Of(s, Today, Options), Options);

    [Fact]
    public void Tiers_close_where_cumulative_value_crosses_each_share()
    {
        long[] values = [700, 100, 50, 50, 40, 30, 20, 5, 5, 0];
        var customers = values.Select((v, i) => ((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToList();
        var tiers = ValueTiers.Assign(customers, Options);
        Assert.Equal(
            [ValueTier.Premium, ValueTier.Growth, ValueTier.Growth, ValueTier.Growth, ValueTier.Potential, ValueTier.Potential, ValueTier.Potential,
             ValueTier.Marginal, ValueTier.Marginal, ValueTier.Marginal],
            customers.Select(c => tiers[c.Item1]));
        // Expected value runs against today's value for the last customers; two growth customers are at risk.
        var members = customers.Select((c, i) => new TierMember(c.Item1, c.v, i < 7 ? 10 : 100, i is 1 or 3)).ToList();
        var shares = ValueTiers.Shares(members, tiers);
        Assert.Equal(0.1, shares[0].CustomerShare, 12);
        Assert.Equal(0.7, shares[0].ValueShare, 12);
        Assert.Equal(10.0 / 370, shares[0].ExpectedValueShare, 12);
        Assert.Equal(300.0 / 370, shares[3].ExpectedValueShare, 12);
        Assert.Equal((2, 150L), (shares[1].AtRisk, shares[1].ValueAtRiskUnits));
        Assert.Equal(0, shares[0].AtRisk);

        // Ranked by expected value the last three lead: they are rising, the first falls.
        var potential = ValueTiers.Assign(members.Select(m => (m.CustomerId, (long)m.ExpectedValue)).ToList(), Options);
        Assert.Equal(TierOutlook.Rising, ValueTiers.Outlook(tiers["10"], potential["10"]));
        Assert.Equal(TierOutlook.Falling, ValueTiers.Outlook(tiers["1"], potential["1"]));
    }

    [Fact]
    public void A_population_worth_more_than_a_long_holds_still_gets_tiers_and_shares()
    {
        // Together 2.25 times what a long holds: summing their value threw. Shares are those of the true total.
        const long Max = long.MaxValue;
        var customers = new List<(string, long)> { ("1", Max), ("2", Max / 2), ("3", Max / 2), ("4", Max / 4), ("5", 0) };
        var tiers = ValueTiers.Assign(customers, Options);
        Assert.Equal([ValueTier.Premium, ValueTier.Premium, ValueTier.Premium, ValueTier.Growth, ValueTier.Marginal], customers.Select(c => tiers[c.Item1]));
        var shares = ValueTiers.Shares(customers.Select(c => new TierMember(c.Item1, c.Item2, 0, true)).ToList(), tiers);
        Assert.Equal((Max, Max), (shares[0].ValueUnits, shares[0].ValueAtRiskUnits));
        Assert.Equal(2 / 2.25, shares[0].ValueShare, 9);
        Assert.Equal(0.25 / 2.25, shares[1].ValueShare, 9);
    }

    [Fact]
    public void Falling_interaction_against_the_customers_own_baseline_is_a_drop_and_quiet_customers_are_not()
    {
        var events = new List<CustomerEvent>();
        for (var d = Today - 34; d <= Today - 7; d++) events.Add(Login(d));
        events.Add(Login(Today - 2));
        var busy = State([.. events]);
        var signals = CustomerSignals.Of(busy, Today, Options);
        Assert.Equal(1, signals.Interactions7d);
        Assert.Equal(7.0, signals.InteractionBaselinePerWeek, 9);
        Assert.True(signals.EngagementDrop(Options));

        var quiet = State(Login(Today - 20), Login(Today - 1));
        var q = CustomerSignals.Of(quiet, Today, Options);
        Assert.Null(q.EngagementRatio);
        Assert.False(q.EngagementDrop(Options));
    }

    [Fact]
    public void Lifecycle_stages_follow_the_rules()
    {
        Assert.Equal(LifecycleStage.Prospect, Stage(State(Login(Today))));
        Assert.Equal(LifecycleStage.New, Stage(State(Purchase(Today - 10, 20))));
        Assert.Equal(LifecycleStage.Churned, Stage(State(Purchase(Today - 400, 20))));
        Assert.Equal(LifecycleStage.Dormant, Stage(State(Purchase(Today - 200, 20))));
        Assert.Equal(LifecycleStage.Reactivated, Stage(State(Purchase(Today - 300, 20), Purchase(Today - 5, 20))));
        Assert.Equal(LifecycleStage.Declining, Stage(State(Purchase(Today - 150, 500), Purchase(Today - 100, 500), Purchase(Today - 3, 20))));
        Assert.Equal(LifecycleStage.Growing, Stage(State(Purchase(Today - 120, 50), Purchase(Today - 60, 200), Purchase(Today - 3, 200))));
        Assert.Equal(LifecycleStage.Mature, Stage(State(Purchase(Today - 500, 50), Purchase(Today - 150, 50), Purchase(Today - 20, 50))));
        Assert.Equal(LifecycleStage.Active, Stage(State(Purchase(Today - 200 + 30, 50), Purchase(Today - 20, 50))));
    }
}
