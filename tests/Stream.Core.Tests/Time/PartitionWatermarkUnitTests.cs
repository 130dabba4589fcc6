using Stream.Core.Time;

namespace Stream.Core.Tests.Time;

[Trait("Category", "Unit")]
public sealed class PartitionWatermarkUnitTests
{
    private static readonly DateTimeOffset Wall = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Event = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_watermark_trails_the_latest_event_by_the_allowed_lateness_and_flags_late_events()
    {
        var wm = new PartitionWatermark(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));
        Assert.False(wm.Observe(Event, Wall));
        Assert.Equal(Event.AddMinutes(-10), wm.Current);
        Assert.False(wm.Observe(Event.AddMinutes(-5), Wall));
        Assert.True(wm.Observe(Event.AddMinutes(-11), Wall));
        Assert.Equal(Event.AddMinutes(-10), wm.Current);
    }

    [Fact]
    public void An_idle_partition_advances_with_the_clock_and_a_busy_one_does_not()
    {
        var wm = new PartitionWatermark(TimeSpan.Zero, TimeSpan.FromSeconds(30));
        wm.Observe(Event, Wall);
        Assert.False(wm.AdvanceIfIdle(Wall.AddSeconds(10)));
        Assert.Equal(Event, wm.Current);
        Assert.True(wm.AdvanceIfIdle(Wall.AddSeconds(40)));
        Assert.Equal(Event.AddSeconds(30), wm.Current);
        Assert.True(wm.AdvanceIfIdle(Wall.AddSeconds(45)));
        Assert.Equal(Event.AddSeconds(35), wm.Current);
    }

    [Fact]
    public void A_restored_watermark_never_moves_back()
    {
        var wm = new PartitionWatermark(TimeSpan.Zero, TimeSpan.FromSeconds(30));
        wm.Restore(Event, Wall);
        Assert.True(wm.Observe(Event.AddDays(-1), Wall));
        Assert.Equal(Event, wm.Current);
    }
}
