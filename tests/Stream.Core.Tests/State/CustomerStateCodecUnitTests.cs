using FsCheck;
using FsCheck.Fluent;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.State;

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
    public void The_review_round_trips_and_older_formats_still_read()
    {
        var s = new CustomerState();
        for (var i = 0; i < 10; i++) s.Apply(Event(i, i, i * 997, i * 131));
        var v3 = CustomerStateCodec.Encode(s);
        s.Review = new ReviewRecord(0x1235, 20_450, 20_478, 20_461);
        var v5 = CustomerStateCodec.Encode(s);
        Assert.Equal(s.Review, CustomerStateCodec.Decode(v5).Review);

        // Format 4 was format 5 less the timer, which was always the next review day.
        s.Review = new ReviewRecord(0x1235, 20_450, 20_478);
        var v4 = CustomerStateCodec.Encode(s);
        Assert.Equal(0, v4[^1]);
        v4 = v4[..^1];
        v4[0] = 4;
        Assert.Equal(s.Review, CustomerStateCodec.Decode(v4).Review);

        // Format 3 was format 4 less the trailing review; a never-reviewed state ends in a single 0.
        Assert.Equal(0, v3[^1]);
        v3 = v3[..^1];
        v3[0] = 3;
        var old = CustomerStateCodec.Decode(v3);
        Assert.False(old.Review.Exists);
        Assert.Equal(s.EventCount, old.EventCount);
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
