using System.Text;
using BenchmarkDotNet.Attributes;
using Stream.Core.Events;
using Stream.Core.Models;
using Stream.Core.State;

namespace Stream.Benchmarks;

/// <summary>
/// The per-event hot path: validating one payload, and applying one event to a warm customer state with all
/// windows. Each benchmark invocation handles <see cref="Events"/> events, so the reported mean divided by
/// that is ns/event, and Allocated divided by it is bytes/event.
/// </summary>
[MemoryDiagnoser]
public class PerEventBenchmarks
{
    public const int Events = 1_000;

    private const int Rounds = 64;

    private CustomerEvent[] _events = [];
    private EventFacts[][] _rounds = [];
    private int _round;
    private byte[][] _payloads = [];
    private EventKind[] _kinds = [];
    private const string CachedCustomerId = "c-0000042";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(CachedCustomerId);
    private CustomerState _state = new();
    private byte[] _encoded = [];
    private readonly EventReader _reader = new(new EventLimits());
    private readonly DateTimeOffset _recordTime = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _events = Enumerable.Range(0, Events).Select(i => i % 5 == 0
            ? new CustomerEvent { EventId = $"e-{i:D8}", CustomerId = CachedCustomerId, OccurredAt = start.AddHours(i * 7), Type = EventType.Purchase, OrderId = "o-1", Amount = 19.99m, Currency = "USD" }
            : new CustomerEvent { EventId = $"e-{i:D8}", CustomerId = CachedCustomerId, OccurredAt = start.AddHours(i * 7), Type = EventType.PageView, Channel = "web" }).ToArray();
        _payloads = _events.Select(EventWriter.ToUtf8).ToArray();
        _kinds = _events.Select(e => e.Kind).ToArray();
        // Distinct ids per round: the dedup ring remembers 8 per contract, so rounds never look like duplicates.
        _rounds = Enumerable.Range(0, Rounds).Select(r => _events.Select(e => EventFacts.Of(e with { EventId = $"r{r}-{e.EventId}" })).ToArray()).ToArray();
        // Warm: the state has seen a year of history, so its windows and rings are at their steady size.
        _state = new CustomerState();
        foreach (var e in _events) _state.Apply(e with { EventId = "warm-" + e.EventId, OccurredAt = e.OccurredAt.AddDays(-400) });
        foreach (var e in _events) _state.Apply(e with { EventId = "warm2-" + e.EventId });
        _encoded = CustomerStateCodec.Encode(_state);
    }

    /// <summary>Applies already-read events (as the pipeline does, their facts) to a warm state; every one is applied, none is a duplicate.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int ApplyToWarmState()
    {
        var round = _rounds[_round++ % Rounds];
        var applied = 0;
        foreach (ref readonly var e in round.AsSpan())
            if (_state.Apply(e)) applied++;
        return applied;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int ReadAndValidate()
    {
        var valid = 0;
        for (var i = 0; i < _payloads.Length; i++)
            if (_reader.Read(_payloads[i], _kinds[i], _key, _recordTime).IsValid) valid++;
        return valid;
    }

    /// <summary>
    /// What the pipeline reads: the same validation, only the facts that state takes, for a cached customer
    /// (whose id string the event shares).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int ReadFactsAndValidate()
    {
        var valid = 0;
        for (var i = 0; i < _payloads.Length; i++)
            if (_reader.ReadFacts(_payloads[i], _kinds[i], _key, hasKey: true, _recordTime, CachedCustomerId).IsValid) valid++;
        return valid;
    }

    /// <summary>Decoding the warm state, as a load from Redis does: Allocated is the state it builds.</summary>
    [Benchmark]
    public CustomerState DecodeWarmState() => CustomerStateCodec.Decode(_encoded);

    [Benchmark(OperationsPerInvoke = Events)]
    public int EncodeWarmState()
    {
        Span<byte> buffer = stackalloc byte[CustomerStateCodec.MaxSize];
        var total = 0;
        for (var i = 0; i < Events; i++) total += CustomerStateCodec.Encode(_state, buffer);
        return total;
    }
}

/// <summary>
/// What one new customer's state costs: building it from a year of 20 events (14 interactions and 6
/// purchases). Allocated per operation is the state with everything it grew through; the state's own size
/// (what a cached customer keeps) is printed by the setup.
/// </summary>
[MemoryDiagnoser]
public class StateBenchmarks
{
    public const int EventsPerCustomer = 20;

    private CustomerEvent[] _history = [];

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _history = Enumerable.Range(0, EventsPerCustomer).Select(i => i % 10 < 3
            ? new CustomerEvent { EventId = $"e-{i:D8}", CustomerId = "c-0000042", OccurredAt = start.AddDays(i * 18), Type = EventType.Purchase, OrderId = "o-1", Amount = 19.99m, Currency = "USD" }
            : new CustomerEvent { EventId = $"e-{i:D8}", CustomerId = "c-0000042", OccurredAt = start.AddDays(i * 18), Type = EventType.PageView, Channel = "web" }).ToArray();
        // Retained size: 10,000 states held at once, measured by the heap they leave after a full collection.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var states = Enumerable.Range(0, 10_000).Select(_ => BuildState()).ToArray();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// retained bytes per customer state: {(after - before) / (double)states.Length:F0}");
        GC.KeepAlive(states);
    }

    [Benchmark]
    public CustomerState BuildState()
    {
        var state = new CustomerState();
        foreach (var e in _history) state.Apply(e);
        return state;
    }
}

/// <summary>Model evaluations per second on one core.</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private static readonly BgNbdParameters Bg = new(0.26712777455768094, 41.905447622667, 0.4835169148279787, 2.111608102583098);
    private readonly RepeatPurchaseSummary _customer = new(5, 511, 544, 27.14);

    [Benchmark]
    public double ProbabilityAlive() => BgNbd.ProbabilityAlive(Bg, _customer);

    [Benchmark]
    public double ExpectedPurchases365() => BgNbd.ExpectedPurchases(Bg, _customer, 365);
}
