using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Producer.Simulation;

namespace Stream.Producer.Tests;

[Trait("Category", "Unit")]
public sealed class CustomerSimulatorUnitTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_gives_the_same_records_and_another_seed_does_not()
    {
        byte[][] Run(int seed) => new CustomerSimulator(new SimulationOptions { Customers = 50, Seed = seed, Start = Start, InvalidShare = 0.01, DuplicateShare = 0.01 })
            .Records().Take(5_000).Select(r => r.Value).ToArray();
        var a = Run(1);
        Assert.Equal(a, Run(1));
        Assert.NotEqual(a, Run(2));
    }

    [Fact]
    public void Records_come_in_event_time_order_within_the_span()
    {
        var options = new SimulationOptions { Customers = 100, Seed = 4, Start = Start, Span = TimeSpan.FromDays(90) };
        var times = new CustomerSimulator(options).Records().Select(r => r.Event!.OccurredAt).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(times, t => Assert.InRange(t, Start, Start + options.Span));
    }

    [Fact]
    public void Premium_customers_are_about_15_percent_and_carry_most_of_the_revenue()
    {
        var simulator = new CustomerSimulator(new SimulationOptions { Customers = 2_000, Seed = 8, Start = Start });
        var tierOf = simulator.Customers.ToDictionary(c => c.Id, c => c.Tier);
        var revenue = simulator.Records().Where(r => r.Event!.Type == EventType.Purchase)
            .GroupBy(r => tierOf[r.Key]).ToDictionary(g => g.Key, g => g.Sum(r => r.Event!.Amount!.Value));
        var premiumShareOfCustomers = simulator.Customers.Count(c => c.Tier == ValueTier.Premium) / 2_000d;
        var premiumShareOfRevenue = revenue[ValueTier.Premium] / revenue.Values.Sum();
        Assert.InRange(premiumShareOfCustomers, 0.12, 0.18);
        Assert.InRange((double)premiumShareOfRevenue, 0.70, 0.90);
    }

    [Fact]
    public void Churning_customers_fade_while_others_keep_their_pace()
    {
        var options = new SimulationOptions { Customers = 600, Seed = 12, Start = Start, ChurnShare = 0.3 };
        var simulator = new CustomerSimulator(options);
        var byId = simulator.Customers.ToDictionary(c => c.Id);
        var events = simulator.Records().Select(r => r.Event!).ToList();
        double LateShare(bool churners)
        {
            var mine = events.Where(e => (byId[e.CustomerId].ChurnStartsAt is not null) == churners).ToList();
            return mine.Count(e => e.OccurredAt > Start + options.Span * 0.85) / (double)mine.Count;
        }
        Assert.True(LateShare(churners: true) < LateShare(churners: false) / 2, $"{LateShare(true):P1} vs {LateShare(false):P1}");
    }

    [Fact]
    public void Some_enterprise_invoices_are_never_paid()
    {
        var records = new CustomerSimulator(new SimulationOptions { Customers = 1_000, Seed = 6, Start = Start }).Records().Select(r => r.Event!).ToList();
        var due = records.Where(e => e.Type == EventType.PaymentDue).Select(e => e.InvoiceId).ToHashSet();
        var paid = records.Where(e => e.Type == EventType.PaymentReceived).Select(e => e.InvoiceId).ToHashSet();
        Assert.Subset(due, paid);
        Assert.InRange(due.Count - paid.Count, 1, due.Count / 2);
    }

    [Fact]
    public void Injected_faults_cover_each_dead_letter_reason_the_simulator_makes()
    {
        var rejects = new CustomerSimulator(new SimulationOptions { Customers = 100, Seed = 2, Start = Start, InvalidShare = 0.05 })
            .Records().Where(r => r.ExpectedReject is not null).Select(r => r.ExpectedReject!.Value).ToHashSet();
        Assert.Equal(6, rejects.Count);
    }
}
