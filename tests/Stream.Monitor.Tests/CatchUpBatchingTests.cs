using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

public sealed class CatchUpBatchingTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_backlog_is_written_in_few_large_batches_and_live_records_still_close_a_batch_after_MaxBatchDelay()
    {
        using var bed = new StreamTestBed();
        var records = new CustomerSimulator(new SimulationOptions { Customers = 2_000, Seed = 11, Start = Start, Span = TimeSpan.FromDays(200) })
            .Records().Take(60_000).ToList();
        bed.Produce(records);
        var ends = bed.EndOffsets();

        // Without catching up, 60,000 records would take one batch per 50 ms of reading: ten or more flushes
        // even at the consume ceiling of a fast machine.
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.050",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:01:00",
        });
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(90), "the backlog to be committed");
        var backlogBatches = status.BatchesCommitted;
        Assert.True(backlogBatches <= 3 * bed.Partitions, $"{backlogBatches} partition batches for the backlog; at most 3 flushes of {bed.Partitions} expected");

        // Caught up: a new record waits for MaxBatchDelay, not for CatchUpBatchDelay (a minute).
        var live = new CustomerSimulator(new SimulationOptions { Customers = 5, Seed = 12, Start = DateTimeOffset.UtcNow.AddHours(-1), Span = TimeSpan.FromMinutes(30) })
            .Records().First(r => r.Event is not null);
        var backlogEvents = records.Count(r => r.Event is not null && !r.IsDuplicate);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == backlogEvents), TimeSpan.FromSeconds(10), "the backlog to be reported");
        bed.Produce([live]);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == backlogEvents + 1), TimeSpan.FromSeconds(20), "the live record to be committed");
        await monitor.StopAsync();
    }
}
