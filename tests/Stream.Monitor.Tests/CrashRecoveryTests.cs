using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class CrashRecoveryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killing_the_monitor_at_random_points_and_restarting_gives_the_state_of_an_uninterrupted_run(bool redisCluster)
    {
        using var bed = new StreamTestBed(partitions: 8, redisCluster: redisCluster);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 1_000, Seed = 11, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            DuplicateShare = 0.01, InvalidShare = 0.001,
        }).Records().ToList();
        Assert.True(records.Count >= 100_000, $"only {records.Count} records");
        // A third up front, most of the rest produced while the monitors run and are killed, and the last tenth only
        // after the last kill: kills land during catch-up and during live consumption, and the run cannot finish
        // before the last kill (a monitor restarted on a backlog reads hundreds of thousands of records a second,
        // faster than a progress check can follow).
        var (upFront, tail) = (records.Count / 3, records.Count * 9 / 10);
        bed.Produce(records.Take(upFront));
        var partitions = bed.EndOffsets();
        var total = (long)records.Count;
        var producing = bed.ProducePacedAsync(records.Take(tail).Skip(upFront).ToList(), rate: 8_000);

        var settings = bed.Settings();
        // Small batches so kills land between, inside and during many commits.
        settings["Stream:Ingest:MaxBatchRecords"] = "1500";

        var random = new Random(20261125);
        var killAt = Enumerable.Range(0, 3).Select(_ => 0.1 + 0.4 * random.NextDouble()).Order().ToArray();
        var kills = 0;
        foreach (var fraction in killAt)
        {
            using var monitor = new MonitorProcess(settings);
            await Eventually.Until(async () => await bed.CommittedRecords(partitions) >= fraction * total || monitor.HasExited,
                TimeSpan.FromSeconds(120), $"progress to {fraction:P0}");
            Assert.False(monitor.HasExited, string.Join('\n', monitor.Output));
            await Task.Delay(random.Next(0, 40));
            monitor.Crash();
            kills++;
        }
        await producing;
        bed.Produce(records.Skip(tail));
        var ends = bed.EndOffsets();
        Assert.Equal(total, ends.Values.Sum());

        using (var final = new MonitorProcess(settings))
        {
            await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(180), "the restarted monitor to finish");
        }

        Assert.Equal(3, kills);
        var expected = StreamTestBed.ExpectedStates(records);
        var stored = await bed.StoredStates();
        Assert.Equal(expected.Count, stored.Count);
        var differing = expected.Count(kv => !kv.Value.AsSpan().SequenceEqual(stored[kv.Key]));
        Assert.Equal(0, differing);
    }
}
