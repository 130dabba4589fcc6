using Stream.Core.Analytics;
using System.Text;
using Stream.Core.Events;

namespace Stream.Producer.Simulation;

/// <summary>
/// A seeded, realistic customer population and its event stream in event-time order: value tiers with
/// Pareto-skewed spending (premium ≈ 15% of customers, ≈ 75% of revenue), customer types, regions and
/// industries, purchase rhythms, interactions, complaints, NPS answers, invoices that go overdue, and a
/// share of customers whose engagement decays toward churn. The same options give the same records.
/// </summary>
public sealed class CustomerSimulator
{
    private static readonly string[] Regions = ["north-america", "latin-america", "europe", "middle-east-africa", "asia-pacific"];
    private static readonly string[] Industries = ["retail", "manufacturing", "finance", "healthcare", "public-sector", "technology", "logistics"];
    private static readonly string[] ProductCategories = ["electronics", "home", "fashion", "books", "sports", "services"];
    private static readonly string[] Channels = ["web", "app", "email", "phone", "chat", "store"];

    private static readonly (EventType Type, double Weight)[] InteractionMix =
    [
        (EventType.Login, 0.22), (EventType.Session, 0.18), (EventType.PageView, 0.22), (EventType.AppView, 0.12),
        (EventType.EmailOpen, 0.12), (EventType.EmailClick, 0.06), (EventType.SupportContact, 0.04),
        (EventType.SurveyResponse, 0.02), (EventType.Complaint, 0.02),
    ];

    private static readonly DateTimeOffset FarFuture = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SimulationOptions _options;

    public CustomerSimulator(SimulationOptions options)
    {
        _options = options;
        var random = new Random(options.Seed);
        Customers = Enumerable.Range(1, options.Customers).Select(i => Draw(i, random)).ToArray();
    }

    public IReadOnlyList<SimulatedCustomer> Customers { get; }

    private SimulatedCustomer Draw(int index, Random random)
    {
        var u = random.NextDouble();
        var tier = u < 0.15 ? ValueTier.Premium : u < 0.40 ? ValueTier.Growth : u < 0.70 ? ValueTier.Potential : ValueTier.Marginal;
        var (purchases, median, interactions) = tier switch
        {
            ValueTier.Premium => (1.2, 150.0, 6.0),
            ValueTier.Growth => (0.4, 60.0, 3.0),
            ValueTier.Potential => (0.15, 35.0, 1.5),
            _ => (0.05, 15.0, 0.5),
        };
        var t = random.NextDouble();
        var type = t < 0.80 ? CustomerType.Individual : t < 0.95 ? CustomerType.Enterprise : CustomerType.Government;
        var signup = _options.Start + _options.Span * (random.NextDouble() * 0.5);
        var churns = random.NextDouble() < _options.ChurnShare;
        DateTimeOffset? churnStart = churns ? signup + (_options.Start + _options.Span - signup) * (0.2 + 0.6 * random.NextDouble()) : null;
        return new SimulatedCustomer(
            Id: $"c-{index:D7}",
            Tier: tier,
            Type: type,
            Region: Regions[random.Next(Regions.Length)],
            Industry: type == CustomerType.Individual ? null : Industries[random.Next(Industries.Length)],
            SignupAt: signup,
            PurchasesPerWeek: purchases * (0.5 + random.NextDouble()),
            OrderValueMedian: median * (0.7 + 0.6 * random.NextDouble()),
            InteractionsPerWeek: interactions * (0.5 + random.NextDouble()),
            Satisfaction: Math.Clamp(0.7 + 0.25 * Normal(random), 0, 1),
            ChurnStartsAt: churnStart,
            ChurnHalfLife: TimeSpan.FromDays(7 + random.Next(30)),
            OverdueShare: type == CustomerType.Individual ? 0 : 0.05 + 0.25 * random.NextDouble());
    }

    /// <summary>Every record of the run, in event-time order but for those <see cref="SimulationOptions.LateShare"/> holds back.</summary>
    public IEnumerable<SimulatedRecord> Records() => _options.LateShare > 0 ? HoldBack(InOrder(), new Random(_options.Seed ^ 0x1A7E)) : InOrder();

    /// <summary>Sends a share of the records later than their turn, each after up to <see cref="SimulationOptions.LateBy"/> others.</summary>
    private IEnumerable<SimulatedRecord> HoldBack(IEnumerable<SimulatedRecord> records, Random random)
    {
        var held = new PriorityQueue<SimulatedRecord, long>();
        long n = 0;
        foreach (var record in records)
        {
            n++;
            while (held.TryPeek(out _, out var due) && due <= n) yield return held.Dequeue();
            if (random.NextDouble() < _options.LateShare) held.Enqueue(record, n + 1 + random.Next(_options.LateBy));
            else yield return record;
        }
        while (held.Count > 0) yield return held.Dequeue();
    }

    private IEnumerable<SimulatedRecord> InOrder()
    {
        var random = new Random(_options.Seed ^ 0x5EED);
        var end = _options.Start + _options.Span;
        var queue = new PriorityQueue<Scheduled, (DateTimeOffset, long)>();
        long sequence = 0;
        foreach (var c in Customers)
            queue.Enqueue(new Scheduled(c, null), (c.SignupAt, sequence++));

        // Earlier valid records for far re-deliveries; once full, each new one replaces a random one.
        var recent = new List<SimulatedRecord>();

        var started = new HashSet<string>(StringComparer.Ordinal);
        long eventNumber = 0;
        long invalidNumber = 0;
        while (queue.TryDequeue(out var item, out var priority))
        {
            var (at, _) = priority;
            if (at > end) continue;
            var c = item.Customer;
            CustomerEvent ev;
            if (item.Ready is not null)
            {
                ev = item.Ready;
            }
            else if (started.Add(c.Id))
            {
                ev = Profile(c, at, ++eventNumber);
                queue.Enqueue(new Scheduled(c, null), (NextActivity(c, at, random), sequence++));
            }
            else
            {
                ev = NextEvent(c, at, random, ++eventNumber, follow => queue.Enqueue(new Scheduled(c, follow), (follow.OccurredAt, sequence++)));
                queue.Enqueue(new Scheduled(c, null), (NextActivity(c, at, random), sequence++));
            }

            if (_options.InvalidShare > 0 && random.NextDouble() < _options.InvalidShare)
            {
                yield return Corrupt(ev, invalidNumber++);
                continue;
            }
            var record = new SimulatedRecord(ev.Kind, ev.CustomerId, EventWriter.ToUtf8(ev), ev, null, false);
            yield return record;
            if (_options.DuplicateShare > 0 && random.NextDouble() < _options.DuplicateShare)
                yield return record with { IsDuplicate = true };
            if (_options.FarDuplicateShare > 0)
            {
                if (recent.Count == _options.FarDuplicateWindow) recent[random.Next(recent.Count)] = record;
                else recent.Add(record);
                if (random.NextDouble() < _options.FarDuplicateShare) yield return recent[random.Next(recent.Count)] with { IsDuplicate = true };
            }
        }
    }

    /// <summary>Time of the customer's next own activity: a Poisson process thinned by churn decay.</summary>
    private static DateTimeOffset NextActivity(SimulatedCustomer c, DateTimeOffset from, Random random)
    {
        var ratePerDay = (c.PurchasesPerWeek + c.InteractionsPerWeek) / 7;
        var at = from;
        for (var attempts = 0; attempts < 10_000; attempts++)
        {
            at += TimeSpan.FromDays(-Math.Log(1 - random.NextDouble()) / ratePerDay);
            if (random.NextDouble() < Activity(c, at)) return at;
        }
        return DateTimeOffset.MaxValue;
    }

    private static double Activity(SimulatedCustomer c, DateTimeOffset at) =>
        c.ChurnStartsAt is { } churn && at > churn ? Math.Pow(0.5, (at - churn) / c.ChurnHalfLife) : 1;

    private CustomerEvent NextEvent(SimulatedCustomer c, DateTimeOffset at, Random random, long n, Action<CustomerEvent> schedule)
    {
        var id = EventId(n);
        if (random.NextDouble() < c.PurchasesPerWeek / (c.PurchasesPerWeek + c.InteractionsPerWeek))
        {
            var amount = Math.Round((decimal)(c.OrderValueMedian * Math.Exp(0.6 * Normal(random))), 2);
            var orderId = $"o-{n:D9}";
            if (c.Type != CustomerType.Individual)
            {
                var invoice = $"i-{n:D9}";
                var due = at.AddDays(30);
                schedule(Transaction(c, at.AddSeconds(1), EventType.PaymentDue, EventId(n) + "-due", amount, invoice: invoice, due: DateOnly.FromDateTime(due.UtcDateTime)));
                if (random.NextDouble() >= c.OverdueShare)
                    schedule(Transaction(c, at.AddDays(5 + random.Next(25)), EventType.PaymentReceived, EventId(n) + "-paid", amount, invoice: invoice));
            }
            if (random.NextDouble() < 0.03)
                schedule(Transaction(c, at.AddDays(1 + random.Next(14)), EventType.Refund, EventId(n) + "-refund", amount, orderId: orderId));
            return Transaction(c, at, EventType.Purchase, id, amount, orderId: orderId,
                category: ProductCategories[random.Next(ProductCategories.Length)], quantity: 1 + random.Next(3));
        }

        var type = PickInteraction(random, c);
        return type switch
        {
            EventType.Complaint => new CustomerEvent
            {
                EventId = id, CustomerId = c.Id, OccurredAt = at, Type = type, Channel = Channels[random.Next(Channels.Length)],
                ComplaintCategory = (ComplaintCategory)random.Next(5), Resolved = random.NextDouble() < 0.6,
            },
            EventType.SurveyResponse => new CustomerEvent
            {
                EventId = id, CustomerId = c.Id, OccurredAt = at, Type = type,
                Nps = Math.Clamp((int)Math.Round(c.Satisfaction * 10 + 1.5 * Normal(random)), 0, 10),
            },
            EventType.Session => new CustomerEvent
            {
                EventId = id, CustomerId = c.Id, OccurredAt = at, Type = type, Channel = "app", DurationSeconds = 30 + random.Next(1800),
            },
            _ => new CustomerEvent { EventId = id, CustomerId = c.Id, OccurredAt = at, Type = type, Channel = Channels[random.Next(Channels.Length)] },
        };
    }

    private static EventType PickInteraction(Random random, SimulatedCustomer c)
    {
        // Unhappy customers complain more: scale the complaint weight by dissatisfaction.
        var complaintWeight = 0.02 + 0.2 * (1 - c.Satisfaction);
        var total = InteractionMix.Sum(m => m.Type == EventType.Complaint ? complaintWeight : m.Weight);
        var u = random.NextDouble() * total;
        foreach (var (type, weight) in InteractionMix)
        {
            u -= type == EventType.Complaint ? complaintWeight : weight;
            if (u <= 0) return type;
        }
        return EventType.Login;
    }

    private CustomerEvent Transaction(SimulatedCustomer c, DateTimeOffset at, EventType type, string id, decimal amount,
        string? orderId = null, string? invoice = null, DateOnly? due = null, string? category = null, int? quantity = null) => new()
    {
        EventId = id, CustomerId = c.Id, OccurredAt = at, Type = type, Amount = amount, Currency = _options.Currency,
        OrderId = orderId, InvoiceId = invoice, DueDate = due, ProductCategory = category, Quantity = quantity,
    };

    private CustomerEvent Profile(SimulatedCustomer c, DateTimeOffset at, long n) => new()
    {
        EventId = EventId(n), CustomerId = c.Id, OccurredAt = at, Type = EventType.ProfileUpdated,
        CustomerType = c.Type, Industry = c.Industry, Region = c.Region, SignupDate = DateOnly.FromDateTime(at.UtcDateTime),
    };

    private string EventId(long n) => $"sim-{_options.Seed}-{n:D10}";

    /// <summary>Turns a valid event into one of the dead-letter faults, cycling through them.</summary>
    private SimulatedRecord Corrupt(CustomerEvent ev, long n)
    {
        var valid = EventWriter.ToUtf8(ev);
        var json = Encoding.UTF8.GetString(valid);
        var (reason, key, value) = (n % 6) switch
        {
            0 when n / 6 % 2 == 0 => (RejectReason.NotJson, ev.CustomerId, valid[..(valid.Length / 2)]),
            0 => (RejectReason.NotJson, ev.CustomerId, NotUtf8(valid)),
            1 => (RejectReason.SchemaViolation, ev.CustomerId, Encoding.UTF8.GetBytes(json.Replace("\"eventId\"", "\"eventID\"", StringComparison.Ordinal))),
            2 => (RejectReason.UnknownVersion, ev.CustomerId, Encoding.UTF8.GetBytes(json.Replace("\"schemaVersion\":1", "\"schemaVersion\":99", StringComparison.Ordinal))),
            3 => (RejectReason.KeyMismatch, ev.CustomerId + "-x", valid),
            // A fixed far-future date keeps the run deterministic and is implausible whenever it is sent.
            4 => (RejectReason.FutureTimestamp, ev.CustomerId, EventWriter.ToUtf8(ev with { OccurredAt = FarFuture })),
            _ => (RejectReason.Oversize, ev.CustomerId, Encoding.UTF8.GetBytes(json[..^1] + ",\"pad\":\"" + new string('x', 70_000) + "\"}")),
        };
        return new SimulatedRecord(ev.Kind, key, value, null, reason, false);
    }

    /// <summary>Well-formed JSON but for the event id, whose first byte becomes a UTF-8 lead byte with no continuation.</summary>
    private static byte[] NotUtf8(byte[] valid)
    {
        var copy = (byte[])valid.Clone();
        var at = copy.AsSpan().IndexOf("\"eventId\":\""u8) + "\"eventId\":\""u8.Length;
        copy[at] = 0xC3;
        return copy;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A queued step of one customer: its next own activity, or an event already decided (a payment, a refund).</summary>
    private sealed record Scheduled(SimulatedCustomer Customer, CustomerEvent? Ready);
}
