using FsCheck;
using FsCheck.Fluent;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.State;

[Trait("Category", "Unit")]
public sealed class CustomerStateCodecUnitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CustomerEvent Event(int i, int kind, int minutes, int cents) => (kind % 3) switch
    {
        0 => new CustomerEvent { EventId = "i" + i, CustomerId = "c", OccurredAt = T0.AddMinutes(minutes), Type = (EventType)(i % 7), Channel = "web" },
        1 => new CustomerEvent
        {
            EventId = "t" + i, CustomerId = "c", OccurredAt = T0.AddMinutes(minutes), Type = i % 5 == 0 ? EventType.Refund : EventType.Purchase,
            OrderId = "o", Amount = cents / 100m, Currency = "USD",
        },
        _ => new CustomerEvent
        {
            EventId = "p" + i, CustomerId = "c", OccurredAt = T0.AddMinutes(minutes), Type = EventType.ProfileUpdated,
            CustomerType = CustomerType.Government, Industry = "public-sector", SignupDate = new DateOnly(2020, 1, 1),
        },
    };

    [Fact]
    public void Decoding_an_encoded_state_gives_back_the_same_bytes()
    {
        var s = new CustomerState();
        for (var i = 0; i < 40; i++) s.Apply(Event(i, i, i * 997 % 100_000, i * 131));
        var bytes = CustomerStateCodec.Encode(s);
        Assert.Equal(bytes, CustomerStateCodec.Encode(CustomerStateCodec.Decode(bytes)));
        Assert.True(bytes.Length <= 512, $"{bytes.Length} bytes");
    }

    [Fact]
    public void Alert_episodes_the_alert_timer_and_invoices_survive_encoding_including_times_before_the_last_event()
    {
        var s = new CustomerState();
        for (var i = 0; i < 10; i++) s.Apply(Event(i, i, i * 60, 500));
        CustomerEvent Payment(EventType type, string invoice) => new()
        {
            EventId = $"{type}-{invoice}", CustomerId = "c", OccurredAt = T0, Type = type, InvoiceId = invoice, Amount = 5m, Currency = "USD",
            DueDate = type == EventType.PaymentDue ? new DateOnly(2026, 1, 20) : null,
        };
        s.Apply(Payment(EventType.PaymentDue, "open"));
        s.Apply(Payment(EventType.PaymentDue, "paid"));
        s.Apply(Payment(EventType.PaymentReceived, "paid"));
        s.Apply(Payment(EventType.PaymentReceived, "unbilled"));
        var last = s.LastEventAtMs;
        s.Alerts.Set("b-rule", new Stream.Core.Alerts.AlertEpisode("b-rule", Stream.Core.Alerts.AlertPhase.Cooling, last - 5_000, last - 5_000, last - 10, last));
        s.Alerts.Set("a-rule", new Stream.Core.Alerts.AlertEpisode("a-rule", Stream.Core.Alerts.AlertPhase.Pending, last, 0, 0, 0));
        s.Alerts.WakeAtMs = last + 86_400_000;

        var decoded = CustomerStateCodec.Decode(CustomerStateCodec.Encode(s));

        Assert.Equal(s.Alerts.Episodes, decoded.Alerts.Episodes);
        Assert.Equal(["a-rule", "b-rule"], decoded.Alerts.Episodes.Select(e => e.RuleId));
        Assert.Equal(last + 86_400_000, decoded.Alerts.WakeAtMs);
        Assert.Equal(3, decoded.Invoices.All.Count);
        Assert.Equal(s.Invoices.All, decoded.Invoices.All);
        Assert.Equal(Stream.Core.Analytics.EpochDays.Of(new DateOnly(2026, 1, 20)), decoded.Invoices.OldestOpenDueDay());
        Assert.Equal(CustomerStateCodec.Encode(s), CustomerStateCodec.Encode(decoded));
    }

    /// <summary>
    /// States already in Redis must read and write back unchanged whatever the in-memory layout: these bytes
    /// are what the build before the packed window buckets wrote for this state.
    /// </summary>
    [Fact]
    public void The_stored_format_is_pinned()
    {
        var s = new CustomerState();
        for (var i = 0; i < 40; i++) s.Apply(Event(i, i, i * 997 % 100_000 * 30, i * 131));
        const string Stored = "0780A0D5EDEE66C0FBC5DD840228FF4C020202020202020BE081D3020288FC370DF4BF02EC050BD8CC01080100000000"
            + "000040000000000000002000000000000000080000000000000000000000000000000100000000000040000000000000"
            + "0010000000000000000400010008020C0008020C0302B8953B0608020C0302B0AF360608020C0302A8C9310408020C03"
            + "02A0E32C0608020C0498FD270608020C0302909723010142178452E1B49EF20001D188DB015F4691966B6524020001A9"
            + "C46D2584A734FE6D9FE5000B030D7075626C69632D736563746F72A0825A80B1BBAF0D2584A734FE6D9FE50000000200";
        Assert.Equal(Stored, Convert.ToHexString(CustomerStateCodec.Encode(s)));
        Assert.Equal(Stored, Convert.ToHexString(CustomerStateCodec.Encode(CustomerStateCodec.Decode(Convert.FromHexString(Stored)))));
        // Format 6 is format 7 without alerts, the last interaction's time and invoices: it reads as no alerts and no
        // invoices, and the last interaction at the start of the last day the windows show one on.
        var v6 = CustomerStateCodec.Decode(Convert.FromHexString("06" + Stored[2..^8]));
        Assert.Equal(s.LastInteractionAtMs - s.LastInteractionAtMs % 86_400_000, v6.LastInteractionAtMs);
        Assert.StartsWith(Stored[..^8] + "0000", Convert.ToHexString(CustomerStateCodec.Encode(v6)));
    }

    /// <summary>Format 5 (and 4 and 3 before it) kept the last 8 fingerprints per contract without times.</summary>
    private const string StoredV5 = "0580A0D5EDEE66C0FBC5DD840228FF4C020202020202020BE081D3020288FC370DF4BF02EC050BD8CC01080100000000"
            + "000040000000000000002000000000000000080000000000000000000000000000000100000000000040000000000000"
            + "0010000000000000000400010008020C0008020C0302B8953B0608020C0302B0AF360608020C0302A8C9310408020C03"
            + "02A0E32C0608020C0498FD270608020C03029097230884BF4A8CF2C19BA9382C6086F49E8CC79E3DE7E75DA3C7E432AC"
            + "25096A4905D1D6E17D486D7857BCB04522A42D4AD10D8EBE58B20F83358F42178452E1B49EF208A6C27569E75F1A6576"
            + "58DB6990ED2618BECB334DB08FF507A49B2915F1ACC0363F3FADC2D469E6D52047784E8CA3CD20E4E399E596A7812D5F"
            + "4691966B65240208F7677768482FD57DE0DDC2115E4D8F1F3A1957B73A0B0534B417E8EA83738E8388846386A93FA727"
            + "0BE0D02142B212F44EE0E7E99786C1002584A734FE6D9FE50B030D7075626C69632D736563746F72A0825A80B1BBAF0D"
            + "2584A734FE6D9FE500";

    [Fact]
    public void Format_5_reads_with_its_fingerprints_taken_as_of_the_last_event()
    {
        var s = new CustomerState();
        for (var i = 0; i < 40; i++) s.Apply(Event(i, i, i * 997 % 100_000 * 30, i * 131));
        var old = CustomerStateCodec.Decode(Convert.FromHexString(StoredV5));
        Assert.Equal(s.EventCount, old.EventCount);
        Assert.Equal(s.PurchaseDays.DistinctDays, old.PurchaseDays.DistinctDays);
        // The last events' re-deliveries are still recognised after the upgrade.
        Assert.False(old.Apply(Event(39, 39, 39 * 997 % 100_000 * 30, 39 * 131)));
        Assert.Equal(s.EventCount, old.EventCount);
    }

    [Fact]
    public void The_review_round_trips_and_older_formats_still_read()
    {
        var s = new CustomerState();
        for (var i = 0; i < 10; i++) s.Apply(Event(i, i, i * 997, i * 131));
        s.Review = new ReviewRecord(0x1235, 20_450, 20_478, 20_461);
        Assert.Equal(s.Review, CustomerStateCodec.Decode(CustomerStateCodec.Encode(s)).Review);

        // Format 4 was format 5 less the timer, and format 3 format 4 less the trailing review: a never-reviewed
        // state reads the same in each.
        var v5 = Convert.FromHexString(StoredV5);
        Assert.Equal(0, v5[^1]);
        var v4 = v5.ToArray();
        v4[0] = 4;
        var v3 = v5[..^1];
        v3[0] = 3;
        foreach (var older in new[] { v4, v3 })
        {
            var old = CustomerStateCodec.Decode(older);
            Assert.False(old.Review.Exists);
            Assert.Equal(40, old.EventCount);
        }
    }

    [Fact]
    public void An_unknown_format_is_refused()
    {
        var bytes = CustomerStateCodec.Encode(new CustomerState());
        bytes[0] = 99;
        Assert.Throws<FormatException>(() => CustomerStateCodec.Decode(bytes));
    }

    /// <summary>
    /// Kafka keeps each topic's order but not the interleaving between topics. Any interleaving of the
    /// same per-topic sequences (duplicates included) must give byte-identical state.
    /// </summary>
    [Fact]
    public void State_does_not_depend_on_how_topics_interleave()
    {
        var property = Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, 2).Zip(Gen.Choose(0, 200_000)).Zip(Gen.Choose(0, 50_000))).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (specs, seed) =>
            {
                var events = specs.Select((s, i) => Event(i, s.Item1.Item1, s.Item1.Item2, s.Item2)).ToList();
                // Re-deliver some events right after themselves, as an at-least-once upstream would.
                var withDuplicates = events.SelectMany((e, i) => i % 4 == 0 ? new[] { e, e } : [e]).ToList();
                var inOrder = new CustomerState();
                foreach (var e in withDuplicates) inOrder.Apply(e);

                var queues = withDuplicates.GroupBy(e => e.Kind).Select(g => new Queue<CustomerEvent>(g)).ToList();
                var random = new Random(seed);
                var interleaved = new CustomerState();
                while (queues.Count > 0)
                {
                    var q = queues[random.Next(queues.Count)];
                    interleaved.Apply(q.Dequeue());
                    if (q.Count == 0) queues.Remove(q);
                }
                return CustomerStateCodec.Encode(inOrder).AsSpan().SequenceEqual(CustomerStateCodec.Encode(interleaved));
            });
        Check.QuickThrowOnFailure(property);
    }
}
