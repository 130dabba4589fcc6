using FsCheck;
using FsCheck.Fluent;
using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Core.Tests.Alerts;

/// <summary>The metrics a threshold rule reads, against counts taken from the events themselves.</summary>
[Trait("Category", "Unit")]
public sealed class AlertMetricsUnitTests
{
    private const int Start = 20_000;
    private static readonly AnalyticsOptions Options = new();

    /// <summary>
    /// For random histories and days after them: the day-exact window metrics (up to the daily ring's 40 days) and
    /// recency equal a LINQ count over the events.
    /// </summary>
    [Fact]
    public void Window_counts_and_recency_equal_a_count_of_the_events()
    {
        var histories = Gen.ListOf(Gen.Choose(0, 120).Zip(Gen.Elements(EventType.Login, EventType.Purchase, EventType.Complaint)));
        var property = Prop.ForAll(histories.ToArbitrary(), Gen.Choose(0, 60).ToArbitrary(), (history, after) =>
        {
            var events = history.Select((e, i) => (Day: Start + e.Item1, Type: e.Item2, Id: i)).ToList();
            var state = new CustomerState();
            foreach (var (day, type, id) in events) state.Apply(AlertTestEvents.On(day, type, $"e{id}"));
            var asOf = Start + (events.Count == 0 ? 0 : events.Max(e => e.Day - Start)) + after;

            long Count(Func<EventType, bool> type, int days) => events.Count(e => type(e.Type) && e.Day > asOf - days && e.Day <= asOf);
            double? Read(AlertMetric m) => AlertMetrics.Read(m, state, asOf, null, Options);
            var purchaseDays = events.Where(e => e.Type == EventType.Purchase).Select(e => e.Day).ToList();
            return Read(AlertMetric.Interactions7d) == Count(t => t.Kind() == EventKind.Interaction, 7)
                && Read(AlertMetric.Interactions30d) == Count(t => t.Kind() == EventKind.Interaction, 30)
                && Read(AlertMetric.Purchases30d) == Count(t => t == EventType.Purchase, 30)
                && Read(AlertMetric.RecencyDays) == (purchaseDays.Count == 0 ? null : asOf - purchaseDays.Max())
                // Without a population model there are no scores: undefined, never crossing a threshold.
                && Read(AlertMetric.PAlive) is null && Read(AlertMetric.Clv12m) is null;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void The_NPS_average_is_undefined_without_answers_and_the_mean_of_the_answers_with_them()
    {
        var state = new CustomerState();
        Assert.Null(AlertMetrics.Read(AlertMetric.NpsAverage90d, state, Start, null, Options));
        foreach (var (score, i) in new[] { 9, 4, 5 }.Select((s, i) => (s, i)))
        {
            state.Apply(new CustomerEvent
            {
                EventId = $"n{i}", CustomerId = "c", OccurredAt = DateTimeOffset.UnixEpoch.AddDays(Start + i), Type = EventType.SurveyResponse, Nps = score,
            });
        }
        Assert.Equal(6.0, AlertMetrics.Read(AlertMetric.NpsAverage90d, state, Start + 3, null, Options));
    }

    [Fact]
    public void Every_metric_has_a_distinct_snake_case_name()
    {
        Assert.Equal(Enum.GetValues<AlertMetric>().Length, AlertMetrics.ByName.Count);
        Assert.All(AlertMetrics.ByName.Keys, n => Assert.Matches("^[a-z][a-z0-9_]*$", n));
        Assert.Equal(AlertMetric.NpsAverage90d, AlertMetrics.ByName["nps_average_90d"]);
    }
}
