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
        bed.Produce(records);
        var ends = bed.EndOffsets();
        var total = ends.Values.Sum();

        var settings = bed.Settings();
        // Small batches so kills land between, inside and during many commits.
        settings["Stream:Ingest:MaxBatchRecords"] = "1500";

        var random = new Random(20261125);
        // Kills land between 10% and 50% of the records: a restarted monitor catches up at hundreds of thousands of
        // records a second, and with kills up to 80% of the way it once finished the rest between the check and the kill.
        var killAt = Enumerable.Range(0, 3).Select(_ => 0.1 + 0.4 * random.NextDouble()).Order().ToArray();
        var kills = 0;
        foreach (var fraction in killAt)
        {
            using var monitor = new MonitorProcess(settings);
            await Eventually.Until(async () => await bed.CommittedRecords(ends) >= fraction * total || monitor.HasExited,
                TimeSpan.FromSeconds(120), $"progress to {fraction:P0}");
            Assert.False(monitor.HasExited, string.Join('\n', monitor.Output));
            await Task.Delay(random.Next(0, 40));
            monitor.Crash();
            kills++;
        }
        Assert.True(await bed.CommittedRecords(ends) < total, "the run finished before the last kill");

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
