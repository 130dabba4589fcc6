using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class CatchUpBatchingTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_backlog_is_written_in_few_large_batches_and_live_records_still_close_a_batch_after_MaxBatchDelay()
    {
        using var bed = new StreamTestBed();
        var (records, ends) = bed.ProduceSimulation(new SimulationOptions { Customers = 2_000, Seed = 11, Start = Start, Span = TimeSpan.FromDays(200) }, 60_000);

        // Without catching up, a batch closes every 10 ms of reading: 60,000 records take 20 flushes or more even
        // at a fast machine's consume ceiling (300k/s). Catching up, a batch grows while Kafka holds at least as
        // much again, so each flush takes about half of what is left: a handful of flushes (4 here; with
        // CatchUpBatchDelay = MaxBatchDelay, 20).
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.010",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:01:00",
        });
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(90), "the backlog to be committed");
        var flushes = status.BatchesCommitted / (double)bed.Partitions;
        output.WriteLine($"backlog of {records.Count:N0} records committed in {flushes:F1} flushes");
        Assert.True(flushes <= 8, $"the backlog took {flushes:F1} flushes of {bed.Partitions} partitions; at most 8 expected");

        // Caught up: a new record waits for MaxBatchDelay, not for CatchUpBatchDelay (a minute).
        var live = new CustomerSimulator(new SimulationOptions { Customers = 5, Seed = 12, Start = DateTimeOffset.UtcNow.AddHours(-1), Span = TimeSpan.FromMinutes(30) })
            .Records().First(r => r.Event is not null);
        var backlogEvents = StreamTestBed.UniqueEvents(records);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == backlogEvents), TimeSpan.FromSeconds(10), "the backlog to be reported");
        bed.Produce([live]);
        await Eventually.Until(() => Task.FromResult(status.EventsCommitted == backlogEvents + 1), TimeSpan.FromSeconds(20), "the live record to be committed");
        await monitor.StopAsync();
    }
}
