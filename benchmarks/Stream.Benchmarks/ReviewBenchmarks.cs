using BenchmarkDotNet.Attributes;
using Stream.Core.Analytics;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Producer.Simulation;

namespace Stream.Benchmarks;

/// <summary>
/// A customer's review as the monitor runs it after a batch: the status as of a day (lifecycle stage, RFM
/// segment, value tier, churn risk) and the next day that status can change. Simulated customers (a year
/// each, seeded) and a population model built from them; the mean divided by one is ns per review.
/// </summary>
[MemoryDiagnoser]
public class ReviewBenchmarks
{
    private CustomerState[] _states = [];
    private PopulationModel? _model;
    private readonly AnalyticsOptions _options = new();
    private int _day;

    public const int Customers = 2_000;

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var states = new Dictionary<string, CustomerState>();
        foreach (var record in new CustomerSimulator(new SimulationOptions { Customers = Customers, Seed = 11, Start = start }).Records())
        {
            if (record.Event is not { } ev) continue;
            if (!states.TryGetValue(ev.CustomerId, out var state)) states[ev.CustomerId] = state = new CustomerState();
            state.Apply(ev);
        }
        _states = states.Values.Where(s => s.EventCount > 0).ToArray();
        _day = PurchaseDays.DayNumber(_states.Max(s => s.LastEventAtMs));
        var builder = new PopulationModelBuilder(_day, _options);
        foreach (var s in _states) builder.Add(s);
        _model = builder.Build(1, start.AddDays(365));
        Console.WriteLine($"// {_states.Length} customers; value models: {(_model.HasValueModels ? "fitted" : _model.ModelProblem)}");
    }

    [Benchmark]
    public long ReviewEveryCustomer()
    {
        long sum = 0;
        foreach (var s in _states)
        {
            var status = CustomerReview.Status(s, _day, _model, _options);
            sum += CustomerReview.NextReviewDay(s, _day, _model, _options) + (int)status.Stage;
        }
        return sum;
    }
}
