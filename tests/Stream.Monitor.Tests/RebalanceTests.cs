using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class RebalanceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_instances_share_the_partitions_and_one_leaving_mid_stream_keeps_totals_exact(bool redisCluster)
    {
        using var bed = new StreamTestBed(partitions: 6, redisCluster: redisCluster);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 400, Seed = 5, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DuplicateShare = 0.01,
        }).Records().ToList();
        var half = records.Count / 2;
        bed.Produce(records.Take(half));

        var small = new Dictionary<string, string?> { ["Stream:Ingest:MaxBatchRecords"] = "500" };
        await using var a = bed.CreateMonitor(extra: small);
        await using var b = bed.CreateMonitor(extra: small);
        await a.StartAsync();
        await b.StartAsync();
        var statusA = a.Services.GetRequiredService<IngestStatus>();
        var statusB = b.Services.GetRequiredService<IngestStatus>();
        await Eventually.Until(() => Task.FromResult(statusA.OwnedPartitions > 0 && statusB.OwnedPartitions > 0 && statusA.OwnedPartitions + statusB.OwnedPartitions == 6),
            TimeSpan.FromSeconds(60), "both instances to own partitions");
        Assert.Equal(3, statusA.OwnedPartitions);

        // More events keep arriving (in ten slices over a few seconds) while both run; B leaves in the middle.
        var producing = Task.Run(async () =>
        {
            foreach (var slice in records.Skip(half).Chunk((records.Count - half) / 10 + 1))
            {
                bed.Produce(slice);
                await Task.Delay(400);
            }
        });
        await Eventually.Until(() => Task.FromResult(statusB.EventsCommitted > 0), TimeSpan.FromSeconds(60), "B to commit");
        await Task.Delay(1000);
        Assert.False(producing.IsCompleted, "all events were produced before B left");
        await b.StopAsync();
        Assert.Equal(0, statusB.OwnedPartitions);
        await producing;

        var ends = bed.EndOffsets();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(120), "A to take over and finish",
            async () => $"A: {StreamTestBed.Describe(statusA)}; B: {StreamTestBed.Describe(statusB)}; progress: {await bed.Progress(ends)}");
        await Eventually.Until(() => Task.FromResult(statusA.OwnedPartitions == 6), TimeSpan.FromSeconds(30), "A to own every partition");

        await bed.AssertStoredStatesExpected(records);
        // Redis shows the last write a moment before A's loop reports it; a lost or doubled event never settles.
        var unique = StreamTestBed.UniqueEvents(records);
        await Eventually.Until(() => Task.FromResult(statusA.EventsCommitted + statusB.EventsCommitted == unique), TimeSpan.FromSeconds(10),
            $"reported totals to reach {unique}");
    }
}
