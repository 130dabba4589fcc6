using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.Scoring;
using Stream.Core.State;

namespace Stream.Core.Tests.Scoring;

/// <summary>Customer histories and population models the review tests share.</summary>
internal static class ReviewFixtures
{
    public const int Start = 20_000;

    // CDNOW-like parameters (lifetimes' daily fit), so P(alive) crosses 0.3 within the generated spans.
    public static readonly BgNbdParameters Churn = new(0.2426, 4.4136, 0.7930, 2.4259);
    public static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);

    public static PopulationModel Model(long[] r, long[] f, TierThresholds tiers) => new(
        1, Start, 100, 90, false, 100, 0, new QuintileEdges(r), new QuintileEdges(f), new QuintileEdges([1, 2, 3, 4]), tiers,
        Churn, Spend, null, null, DateTimeOffset.UnixEpoch);

    /// <summary>A state from (day after <see cref="Start"/>, type: 0 purchase, 1 refund, else login, amount) events.</summary>
    public static CustomerState Build(IEnumerable<(int Day, int Type, int Amount)> events)
    {
        var s = new CustomerState();
        var i = 0;
        foreach (var (day, type, amount) in events)
        {
            var at = DateTimeOffset.UnixEpoch.AddDays(Start + day).AddHours(10);
            s.Apply(type switch
            {
                0 => new CustomerEvent { EventId = "e" + i++, CustomerId = "c", OccurredAt = at, Type = EventType.Purchase, OrderId = "o", Amount = amount, Currency = "USD" },
                1 => new CustomerEvent { EventId = "e" + i++, CustomerId = "c", OccurredAt = at, Type = EventType.Refund, OrderId = "o", Amount = amount / 4m, Currency = "USD" },
                _ => new CustomerEvent { EventId = "e" + i++, CustomerId = "c", OccurredAt = at, Type = EventType.Login },
            });
        }
        return s;
    }
}
