using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.State;

[Trait("Category", "Unit")]
public sealed class CustomerStateUnitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    internal static CustomerEvent Purchase(string id, DateTimeOffset at, decimal amount) => new()
    {
        EventId = id, CustomerId = "c", OccurredAt = at, Type = EventType.Purchase, OrderId = "o-" + id, Amount = amount, Currency = "USD",
    };

    internal static CustomerEvent Login(string id, DateTimeOffset at) => new() { EventId = id, CustomerId = "c", OccurredAt = at, Type = EventType.Login };

    [Fact]
    public void Counts_amounts_times_and_distinct_purchase_days_accumulate()
    {
        var s = new CustomerState();
        s.Apply(Purchase("a", T0, 10.25m));
        s.Apply(Purchase("b", T0.AddHours(3), 4.75m));
        s.Apply(Purchase("c", T0.AddDays(2), 1m));
        s.Apply(Login("d", T0.AddDays(-1)));
        Assert.Equal(3, s.Count(EventType.Purchase));
        Assert.Equal(1, s.Count(EventType.Login));
        Assert.Equal(16m, Money.FromUnits(s.AmountUnits(EventType.Purchase)));
        Assert.Equal(2, s.PurchaseDays.DistinctDays);
        Assert.Equal(T0.AddDays(-1).ToUnixTimeMilliseconds(), s.FirstEventAtMs);
        Assert.Equal(T0.AddDays(2).ToUnixTimeMilliseconds(), s.LastEventAtMs);
    }

    [Fact]
    public void Amounts_past_what_a_long_holds_stay_at_its_maximum_rather_than_turn_negative()
    {
        // 922 purchases at the largest accepted amount fill a long; the 923rd used to wrap spend to below zero.
        var s = new CustomerState();
        for (var i = 0; i < 1_000; i++) s.Apply(Purchase("p" + i, T0.AddHours(i), Money.MaxAmount));
        var day = PurchaseDays.DayNumber(s.LastEventAtMs);
        Assert.Equal(long.MaxValue, s.AmountUnits(EventType.Purchase));
        Assert.Equal(long.MaxValue, s.Windows.NetSpend(day, 365));
        Assert.Equal(1_000, s.Count(EventType.Purchase));
        var bytes = CustomerStateCodec.Encode(s);
        Assert.Equal(bytes, CustomerStateCodec.Encode(CustomerStateCodec.Decode(bytes)));
    }

    [Fact]
    public void Amounts_past_what_a_long_holds_on_one_day_stay_at_its_maximum_too()
    {
        // One day's bucket and the first purchase day's spend are sums of their own.
        var s = new CustomerState();
        for (var i = 0; i < 1_000; i++) s.Apply(Purchase("p" + i, T0.AddSeconds(i), Money.MaxAmount));
        var day = PurchaseDays.DayNumber(s.LastEventAtMs);
        Assert.Equal(long.MaxValue, s.PurchaseDays.FirstDaySpendUnits);
        Assert.Equal(long.MaxValue, s.Windows.NetSpend(day, 1));
        Assert.Equal(long.MaxValue, s.AmountUnits(EventType.Purchase));
    }

    [Theory]
    [InlineData(long.MaxValue - 1, 5, long.MaxValue)]
    [InlineData(long.MinValue + 1, -5, long.MinValue)]
    [InlineData(long.MaxValue, long.MinValue, -1)]
    [InlineData(-7, 3, -4)]
    public void Money_adds_saturating_at_the_ends_of_a_long(long a, long b, long sum) => Assert.Equal(sum, Money.Add(a, b));

    [Fact]
    public void A_redelivered_event_is_applied_once()
    {
        var s = new CustomerState();
        Assert.True(s.Apply(Purchase("a", T0, 10m)));
        Assert.False(s.Apply(Purchase("a", T0, 10m)));
        Assert.Equal(1, s.Count(EventType.Purchase));
        Assert.Equal(10m, Money.FromUnits(s.AmountUnits(EventType.Purchase)));
    }

    [Fact]
    public void A_redelivery_within_the_horizon_is_applied_once_however_many_events_came_between()
    {
        var s = new CustomerState();
        s.Apply(Purchase("first", T0, 1m));
        // 60 purchases over the next 23 hours: more than the 8 a count-bounded memory kept.
        for (var i = 0; i < 60; i++) s.Apply(Purchase("p" + i, T0.AddMinutes(23 * i), 1m));
        // Interactions do not push transactions out: the memory is per contract.
        for (var i = 0; i < 50; i++) s.Apply(Login("l" + i, T0));
        Assert.False(s.Apply(Purchase("first", T0, 1m)));
        Assert.Equal(61, s.Count(EventType.Purchase));
    }

    [Fact]
    public void A_redelivery_once_event_time_is_past_the_horizon_is_applied_again()
    {
        var s = new CustomerState();
        var policy = new DedupePolicy(TimeSpan.FromHours(24), 64);
        Assert.True(s.Apply(EventFacts.Of(Purchase("first", T0, 1m)), policy, out _));
        Assert.True(s.Apply(EventFacts.Of(Purchase("later", T0.AddHours(23), 1m)), policy, out _));
        Assert.False(s.Apply(EventFacts.Of(Purchase("first", T0, 1m)), policy, out _));
        Assert.True(s.Apply(EventFacts.Of(Purchase("much-later", T0.AddHours(25), 1m)), policy, out _));
        Assert.True(s.Apply(EventFacts.Of(Purchase("first", T0, 1m)), policy, out _));
    }

    [Fact]
    public void Past_its_capacity_the_memory_drops_the_earliest_arrival_and_says_so()
    {
        var s = new CustomerState();
        var policy = new DedupePolicy(TimeSpan.FromHours(24), 4);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(s.Apply(EventFacts.Of(Purchase("p" + i, T0.AddMinutes(i), 1m)), policy, out var evicted));
            Assert.False(evicted);
        }
        Assert.True(s.Apply(EventFacts.Of(Purchase("p4", T0.AddMinutes(4), 1m)), policy, out var pushedOut));
        Assert.True(pushedOut);
        Assert.True(s.Apply(EventFacts.Of(Purchase("p0", T0, 1m)), policy, out _));
        Assert.False(s.Apply(EventFacts.Of(Purchase("p4", T0.AddMinutes(4), 1m)), policy, out _));
    }

    [Fact]
    public void The_dedupe_memory_survives_encoding_with_its_times()
    {
        var s = new CustomerState();
        s.Apply(Purchase("a", T0, 1m));
        s.Apply(Purchase("b", T0.AddHours(20), 1m));
        s.Apply(Login("l", T0.AddHours(1)));
        var bytes = CustomerStateCodec.Encode(s);
        var back = CustomerStateCodec.Decode(bytes);
        Assert.Equal(bytes, CustomerStateCodec.Encode(back));
        Assert.False(back.Apply(Purchase("a", T0, 1m)));
        Assert.False(back.Apply(Login("l", T0.AddHours(1))));
        // Five hours later "a" is past the horizon in the decoded state as in the original.
        Assert.True(back.Apply(Purchase("c", T0.AddHours(25), 1m)));
        Assert.True(s.Apply(Purchase("c", T0.AddHours(25), 1m)));
        Assert.Equal(CustomerStateCodec.Encode(s), CustomerStateCodec.Encode(back));
        Assert.True(back.Apply(Purchase("a", T0, 1m)));
    }

    [Fact]
    public void The_latest_profile_by_event_time_wins_whatever_the_arrival_order()
    {
        CustomerEvent Profile(string id, int day, string region) => new()
        {
            EventId = id, CustomerId = "c", OccurredAt = T0.AddDays(day), Type = EventType.ProfileUpdated,
            CustomerType = CustomerType.Enterprise, Region = region,
        };
        var a = new CustomerState();
        a.Apply(Profile("p1", 1, "europe"));
        a.Apply(Profile("p2", 5, "asia-pacific"));
        var b = new CustomerState();
        b.Apply(Profile("p2", 5, "asia-pacific"));
        b.Apply(Profile("p1", 1, "europe"));
        Assert.Equal("asia-pacific", a.Profile!.Region);
        Assert.Equal(a.Profile, b.Profile);
    }
}
