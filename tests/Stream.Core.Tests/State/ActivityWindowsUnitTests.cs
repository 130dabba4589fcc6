using FsCheck;
using FsCheck.Fluent;
using Stream.Core.State;

namespace Stream.Core.Tests.State;

[Trait("Category", "Unit")]
public sealed class ActivityWindowsUnitTests
{
    private static readonly int[] Windows = [1, 7, 28, 30, 35, 40, 41, 90, 180, 365];

    /// <summary>
    /// For any events (late, out of order, with idle gaps) in any arrival order, every window equals a
    /// brute-force sum over the raw events with the documented bucket semantics, as of any day at or after
    /// the newest event.
    /// </summary>
    [Fact]
    public void Windows_equal_a_brute_force_recomputation_in_any_order()
    {
        var events = Gen.ListOf(Gen.Choose(0, 900).Zip(Gen.Choose(0, 6)).Zip(Gen.Choose(1, 5_000)));
        var property = Prop.ForAll(events.ToArbitrary(), Gen.Choose(0, 120).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (list, idle, seed) =>
            {
                var raw = list.Select(e => (Day: 20_000 + e.Item1.Item1, Counter: (WindowCounter)e.Item1.Item2, Amount: (long)e.Item2)).ToList();
                var shuffled = raw.OrderBy(_ => new Random(seed).Next()).ToList();
                var windows = new ActivityWindows();
                foreach (var (day, counter, amount) in shuffled) windows.Add(day, counter, amount);
                var asOf = (raw.Count == 0 ? 20_000 : raw.Max(e => e.Day)) + idle;
                foreach (var w in Windows)
                {
                    foreach (var counter in Enum.GetValues<WindowCounter>())
                    {
                        var expected = raw.Where(e => e.Counter == counter && InWindow(e.Day, asOf, w)).Sum(e => e.Amount);
                        if (windows.Sum(counter, asOf, w) != expected) return false;
                    }
                }
                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    private static bool InWindow(int day, int asOf, int windowDays)
    {
        if (windowDays <= ActivityWindows.DailyLength) return day > asOf - windowDays && day <= asOf;
        var weeks = (windowDays + 6) / 7;
        var week = ActivityWindows.WeekOf(day);
        var asOfWeek = ActivityWindows.WeekOf(asOf);
        return week > asOfWeek - weeks && week <= asOfWeek;
    }

    [Fact]
    public void A_window_expires_for_a_customer_who_sends_nothing()
    {
        var w = new ActivityWindows();
        w.Add(20_000, WindowCounter.Interactions, 3);
        Assert.Equal(3, w.Sum(WindowCounter.Interactions, 20_006, 7));
        Assert.Equal(0, w.Sum(WindowCounter.Interactions, 20_007, 7));
        Assert.Equal(3, w.Sum(WindowCounter.Interactions, 20_029, 30));
        Assert.Equal(0, w.Sum(WindowCounter.Interactions, 21_000, 365));
    }

    [Fact]
    public void The_engagement_baseline_is_the_28_days_before_the_last_7()
    {
        var w = new ActivityWindows();
        for (var d = 0; d < 35; d++) w.Add(20_000 + d, WindowCounter.Interactions, d < 28 ? 2 : 1);
        var asOf = 20_034;
        Assert.Equal(7, w.Sum(WindowCounter.Interactions, asOf, 7));
        Assert.Equal(56, w.SumDailyBefore(WindowCounter.Interactions, asOf, 7, 28));
    }
}
