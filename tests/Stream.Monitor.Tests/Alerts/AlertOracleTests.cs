using System.Globalization;
using System.Text.Json.Nodes;
using Stream.Core.Alerts;
using Stream.Core.Events;
using Stream.Monitor.Tests.Support;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>
/// Count, overdue-payment and absence alerts checked against an oracle that does not use the engine: the events read
/// back from every partition of the input topics, folded per customer with LINQ into the episodes the rules define.
/// A count rule fires at the complaint that brings the complaints of the window's days to its threshold and resolves
/// at the start of the first day the window holds too few; an overdue rule holds while an invoice billed is unpaid
/// from the day after its due date plus the grace, so it fires at that midnight (or at a bill that comes later) and
/// resolves at the payment that leaves none overdue; an absence rule fires at the first midnight a customer's last
/// purchase is more than its days old and resolves at the next purchase. The events are produced while a monitor
/// process consumes them, and the process is SIGKILLed twice at seeded random moments and started again: the
/// distinct alerts published must be exactly the oracle's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AlertOracleTests(ITestOutputHelper output)
{
    private const long DayMs = 86_400_000;
    private static readonly DateTimeOffset Day0 = new(2025, 6, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly (string Id, int WindowDays, int AtLeast)[] Rules = [("burst", 7, 2), ("pile", 14, 3)];
    private const int GraceDays = 3;
    private const int SilentDays = 14;

    /// <summary>The day of the last events, on every topic: event time ends within a day after it.</summary>
    private const int EndDay = 120;

    [Fact]
    public async Task Count_overdue_and_absence_alerts_equal_a_recount_from_the_topics_through_two_crashes()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var dir = Directory.CreateTempSubdirectory("stream-oracle-").FullName;
        try
        {
            var rules = Path.Combine(dir, "rules.yaml");
            File.WriteAllText(rules, "rules:\n" + string.Concat(Rules.Select(r =>
                $"  - id: {r.Id}\n    kind: count\n    event: complaint\n    window: {r.WindowDays}d\n    at_least: {r.AtLeast}\n    actions: {{ default: Call back. }}\n"))
                + $"  - id: overdue\n    kind: overdue_payment\n    grace: {GraceDays}d\n    actions: {{ default: Send a reminder. }}\n"
                + $"  - id: silent\n    kind: absence\n    of: purchase\n    after: {SilentDays}d\n    actions: {{ default: Send a win-back offer. }}\n");
            var settings = new Dictionary<string, string?>(bed.Settings())
            {
                ["Stream:Alerts:RulesFile"] = rules,
                ["Stream:Models:Enabled"] = "false",
                ["Stream:Ingest:IdleAfter"] = "01:00:00",
                // Small batches, so the process is killed mid-stream rather than between two large flushes.
                ["Stream:Ingest:MaxBatchRecords"] = "50",
            };
            var events = Events(new Random(17));
            var random = new Random(3);
            var killAt = new[] { 0.2, 0.5 }.Select(share => (long)((share + random.NextDouble() * 0.15) * events.Count)).ToList();

            var monitor = new MonitorProcess(settings);
            try
            {
                var producing = Produce(bed, events, perSecond: 300);
                foreach (var at in killAt)
                {
                    await Eventually.Until(async () => await bed.CommittedRecords(bed.EndOffsets()) >= at || monitor.HasExited, TimeSpan.FromSeconds(60),
                        $"{at} records committed before the kill");
                    Assert.False(monitor.HasExited, string.Join('\n', monitor.Output.TakeLast(30)));
                    output.WriteLine($"killed at {await bed.CommittedRecords(bed.EndOffsets())} committed records, {(producing.IsCompleted ? "after" : "while")} producing");
                    monitor.Crash();
                    monitor.Dispose();
                    monitor = new MonitorProcess(settings);
                }
                await producing;
                var ends = bed.EndOffsets();
                await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(90), "every record to be committed");
                monitor.Stop();
            }
            finally
            {
                monitor.Dispose();
            }

            var expected = Oracle(bed).Order().ToList();
            var published = bed.ReadAll(bed.Topics.Alerts).Select(m => JsonNode.Parse(m.Value)!.AsObject()).ToList();
            foreach (var a in published)
            {
                var started = DateTimeOffset.Parse((string)a["startedAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
                Assert.Equal(AlertLifecycle.AlertId((string)a["customerId"]!, (string)a["rule"]!["id"]!, started), (string)a["alertId"]!);
            }
            var actual = published.Select(Line).Distinct().Order().ToList();
            var byRule = expected.GroupBy(l => l.Split(' ')[1]).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"{events.Count} events, {expected.Count} alerts expected ({string.Join(", ", byRule.Select(kv => $"{kv.Key} {kv.Value}"))}), " +
                $"{published.Count} published ({actual.Count} distinct)");
            Assert.All(["burst", "pile", "overdue", "silent"], rule => Assert.True(byRule.GetValueOrDefault(rule) > 100, $"only {byRule.GetValueOrDefault(rule)} {rule} alerts: the events exercise too little"));
            var missing = expected.Except(actual).ToList();
            var extra = actual.Except(expected).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0,
                $"{missing.Count} expected alerts missing, e.g. {string.Join("; ", missing.Take(5))}; {extra.Count} not expected, e.g. {string.Join("; ", extra.Take(5))}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The rules' episodes, recomputed from the complaints on the interactions topic: per customer, in event time,
    /// an open episode resolves at the start of the first day after its last complaint on which the window's
    /// complaints are too few (before a later complaint is counted), and a complaint that brings the window's count to
    /// the threshold opens one.
    /// </summary>
    private static IEnumerable<string> Oracle(StreamTestBed bed)
    {
        var records = TopicOracle.ReadAll(bed.Kafka.BootstrapServers, bed.EndOffsets()).Select(r => JsonNode.Parse(r.Message.Value)!).ToList();
        return CountEpisodes(records).Concat(OverdueEpisodes(records)).Concat(AbsenceEpisodes(records));
    }

    /// <summary>
    /// The absence rule's episodes: a customer who bought on day d and not since is silent from the start of day
    /// d + after + 1, until the next purchase (the clock customers' last purchases, near day 120, go silent only after
    /// event time ends).
    /// </summary>
    private static IEnumerable<string> AbsenceEpisodes(List<JsonNode> records)
    {
        var purchases = records
            .Where(e => (string)e["type"]! == "purchase")
            .Select(e => (Customer: (string)e["customerId"]!, At: DateTimeOffset.Parse((string)e["occurredAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()))
            .GroupBy(p => p.Customer);
        foreach (var customer in purchases)
        {
            var times = customer.Select(p => p.At).Order().ToList();
            for (var i = 0; i < times.Count; i++)
            {
                var silentFrom = (times[i] / DayMs + SilentDays + 1) * DayMs;
                if (i + 1 < times.Count && times[i + 1] <= silentFrom) continue;
                // Event time ends just past day 120 (the last events): silences that would begin later never do.
                if (silentFrom > Day0.AddDays(EndDay).ToUnixTimeMilliseconds()) continue;
                yield return Line(customer.Key, "silent", "fired", silentFrom, silentFrom);
                if (i + 1 < times.Count) yield return Line(customer.Key, "silent", "resolved", silentFrom, times[i + 1]);
            }
        }
    }

    private static IEnumerable<string> CountEpisodes(List<JsonNode> records)
    {
        var complaints = records
            .Where(e => (string)e["type"]! == "complaint")
            .Select(e => (Customer: (string)e["customerId"]!, At: DateTimeOffset.Parse((string)e["occurredAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()))
            .GroupBy(c => c.Customer);
        foreach (var (rule, window, atLeast) in Rules)
        {
            foreach (var customer in complaints)
            {
                var days = new List<long>();
                long? started = null;
                int Count(long day) => days.Count(d => d > day - window && d <= day);
                long ClearsAt() => Enumerable.Range(1, window).Select(k => days.Max() + k).First(day => Count(day) < atLeast) * DayMs;
                foreach (var at in customer.Select(c => c.At).Order())
                {
                    if (started is { } s && ClearsAt() <= at)
                    {
                        yield return Line(customer.Key, rule, "resolved", s, ClearsAt());
                        started = null;
                    }
                    days.Add(at / DayMs);
                    if (started is null && Count(at / DayMs) >= atLeast)
                    {
                        started = at;
                        yield return Line(customer.Key, rule, "fired", at, at);
                    }
                }
                if (started is { } open) yield return Line(customer.Key, rule, "resolved", open, ClearsAt());
            }
        }
    }

    /// <summary>
    /// The overdue rule's episodes: per customer, the condition (an invoice billed and not paid whose due day plus one
    /// plus the grace has begun) read at every moment it can change (each bill and payment, each invoice's first
    /// overdue midnight), in time order.
    /// </summary>
    private static IEnumerable<string> OverdueEpisodes(List<JsonNode> records)
    {
        var payments = records
            .Where(e => (string)e["type"]! is "payment_due" or "payment_received")
            .Select(e => (Customer: (string)e["customerId"]!, At: DateTimeOffset.Parse((string)e["occurredAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
                Invoice: (string)e["invoiceId"]!, Paid: (string)e["type"]! == "payment_received",
                OverdueFromMs: e["dueDate"] is { } due ? (DateOnly.Parse((string)due!, CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + 1 + GraceDays) * DayMs : 0))
            .GroupBy(p => p.Customer);
        foreach (var customer in payments)
        {
            var moments = customer.Select(p => p.At).Concat(customer.Where(p => !p.Paid).Select(p => p.OverdueFromMs)).Distinct().Order();
            long? started = null;
            foreach (var t in moments)
            {
                var seen = customer.Where(p => p.At <= t).ToList();
                var overdue = seen.Where(p => !p.Paid).Any(bill => bill.OverdueFromMs <= t && !seen.Any(p => p.Paid && p.Invoice == bill.Invoice));
                if (overdue && started is null)
                {
                    started = t;
                    yield return Line(customer.Key, "overdue", "fired", t, t);
                }
                else if (!overdue && started is { } s)
                {
                    yield return Line(customer.Key, "overdue", "resolved", s, t);
                    started = null;
                }
            }
        }
    }

    private static string Line(string customer, string rule, string transition, long startedMs, long atMs) =>
        $"{customer} {rule} {transition} {DateTimeOffset.FromUnixTimeMilliseconds(startedMs):O} {DateTimeOffset.FromUnixTimeMilliseconds(atMs):O}";

    private static string Line(JsonObject a) => Line((string)a["customerId"]!, (string)a["rule"]!["id"]!, (string)a["event"]!,
        DateTimeOffset.Parse((string)a["startedAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
        DateTimeOffset.Parse((string)a["at"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());

    /// <summary>
    /// 300 customers who complain in bursts over 90 days (so windows fill and empty again) and view a page at day 120,
    /// 200 who are billed one to four invoices and pay about 70% of them, some late, 150 who buy one to five times
    /// before day 80, and 40 others whose purchases and profile updates, about one a day each to day 120, carry every topic's event
    /// time: a partition's is the least of its three topics' (ADR 0003), and it must pass the last day an episode can
    /// resolve. In event-time order.
    /// </summary>
    /// <remarks>
    /// The complaining customers send nothing on the other topics, nor the billed ones on other topics than transactions. Events produced this fast span days of event time
    /// per second, and a topic fetched a moment later than another can then apply a customer's later purchase before
    /// an earlier complaint (the timestamp merge orders what the client has fetched), which moves the time the alert
    /// is evaluated at; the oracle here is about windows and timers, not that.
    /// </remarks>
    private static List<CustomerEvent> Events(Random random)
    {
        var events = new List<CustomerEvent>();
        for (var c = 0; c < 300; c++)
        {
            var customer = $"o{c:D3}";
            for (var burst = random.Next(1, 4); burst > 0; burst--)
            {
                var start = random.NextDouble() * 85;
                for (var k = random.Next(1, 5); k > 0; k--)
                    events.Add(Event(customer, EventType.Complaint, start + random.NextDouble() * 10, events.Count));
            }
            events.Add(Event(customer, EventType.PageView, EndDay + random.NextDouble(), events.Count));
        }
        for (var c = 0; c < 200; c++)
        {
            var customer = $"p{c:D3}";
            for (var invoice = random.Next(1, 5); invoice > 0; invoice--)
            {
                var billed = random.NextDouble() * 80;
                var due = DateOnly.FromDateTime(Day0.AddDays(billed + 5 + random.Next(0, 15)).UtcDateTime);
                var id = $"{customer}-inv{invoice}";
                events.Add(Event(customer, EventType.PaymentDue, billed, events.Count) with { Amount = 50m, Currency = "USD", InvoiceId = id, DueDate = due });
                if (random.NextDouble() < 0.7)
                    events.Add(Event(customer, EventType.PaymentReceived, billed + random.NextDouble() * 30, events.Count) with { Amount = 50m, Currency = "USD", InvoiceId = id });
            }
        }
        for (var c = 0; c < 150; c++)
        {
            // Buyers with long gaps: silent between some purchases, and from the last (before day 80) on.
            for (var k = random.Next(1, 6); k > 0; k--) events.Add(Event($"s{c:D3}", EventType.Purchase, random.NextDouble() * 80, events.Count));
        }
        for (var c = 0; c < 40; c++)
        {
            for (var day = random.NextDouble(); day < EndDay + 1; day += 0.5 + random.NextDouble())
                events.Add(Event($"k{c:D2}", events.Count % 2 == 0 ? EventType.Purchase : EventType.ProfileUpdated, day, events.Count));
        }
        return [.. events.OrderBy(e => e.OccurredAt)];
    }

    private static CustomerEvent Event(string customer, EventType type, double day, int n)
    {
        var e = new CustomerEvent { EventId = $"{customer}-{n}", CustomerId = customer, OccurredAt = Day0.AddMilliseconds(Math.Round(day * DayMs)), Type = type };
        return type switch
        {
            EventType.Complaint => e with { Channel = "email", ComplaintCategory = ComplaintCategory.Billing, Resolved = false },
            EventType.Purchase => e with { Amount = 20m, Currency = "USD", OrderId = $"order-{n}" },
            EventType.ProfileUpdated => e with { CustomerType = CustomerType.Individual },
            EventType.PaymentDue or EventType.PaymentReceived => e,
            _ => e with { Channel = "web" },
        };
    }

    /// <summary>Sends the events in order at about <paramref name="perSecond"/>, while the monitor consumes.</summary>
    private static async Task Produce(StreamTestBed bed, List<CustomerEvent> events, int perSecond)
    {
        using var producer = bed.CreateProducer();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < events.Count; i++)
        {
            producer.Enqueue(events[i]);
            var due = TimeSpan.FromSeconds((i + 1) / (double)perSecond);
            if (i % 100 == 99 && clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
        }
        producer.Flush(TimeSpan.FromSeconds(60));
    }
}
