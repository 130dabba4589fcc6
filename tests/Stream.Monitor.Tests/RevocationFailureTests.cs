using Microsoft.Extensions.Logging.Testing;
using Stream.Monitor.Ingest;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class RevocationFailureTests
{
    /// <summary>
    /// A rebalance takes partitions from an instance whose flush then fails inside the revocation callback:
    /// its batch is not written, the partitions' next owners start from what Redis holds, and once the instance
    /// can write again it goes on with what it is given. Nothing is lost or counted twice.
    /// </summary>
    [Fact]
    public async Task A_flush_that_fails_inside_the_revocation_callback_loses_and_doubles_nothing()
    {
        using var bed = new StreamTestBed(partitions: 6);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 400, Seed = 8, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DuplicateShare = 0.01,
        }).Records().ToList();
        var half = records.Count / 2;

        // B writes as a Redis user of its own, so that its writes alone can be refused.
        var db = bed.Redis.Connection.GetDatabase();
        await db.ExecuteAsync("ACL", "SETUSER", "b", "on", ">b-secret", "~*", "&*", "+@all");
        var small = new Dictionary<string, string?> { ["Stream:Ingest:MaxBatchRecords"] = "500" };
        // B closes a batch only after a minute or when its partitions go, so its records are still unwritten when
        // the revocation callback flushes them.
        var holding = new Dictionary<string, string?>
        {
            ["Stream:Redis:Configuration"] = $"{bed.Redis.ConnectionString},user=b,password=b-secret",
            ["Stream:Ingest:MaxBatchRecords"] = "1000000",
            ["Stream:Ingest:MaxBatchDelay"] = "00:01:00",
            ["Stream:Ingest:CatchUpBatchDelay"] = "00:01:00",
        };
        await using var a = bed.CreateMonitor(extra: small);
        await using var b = bed.CreateMonitor(extra: holding);
        await a.StartAsync();
        await b.StartAsync();
        var statusA = a.Services.GetRequiredService<IngestStatus>();
        var statusB = b.Services.GetRequiredService<IngestStatus>();
        await Eventually.Until(() => Task.FromResult(statusA.OwnedPartitions == 3 && statusB.OwnedPartitions == 3),
            TimeSpan.FromSeconds(60), "both instances to own three partitions");
        // Produced once the partitions are shared, so that B has records of its own to hold.
        bed.Produce(records.Take(half));
        await Eventually.Until(() => Task.FromResult(statusA.EventsCommitted > 0 && statusB.FirstRecordTimestamp != 0),
            TimeSpan.FromSeconds(60), "A to commit and B to take records");
        Assert.Equal(0, statusB.EventsCommitted);

        // B may read but not write; a third instance joins, and the group takes B's partitions to share them out.
        await db.ExecuteAsync("ACL", "SETUSER", "b", "-@write");
        await using var c = bed.CreateMonitor(extra: small);
        await c.StartAsync();
        var statusC = c.Services.GetRequiredService<IngestStatus>();
        var logB = b.Services.GetFakeLogCollector();
        await Eventually.Until(() => Task.FromResult(logB.GetSnapshot().Any(r => r.Message.Contains("failed to commit", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60), "B's flush in the revocation callback to fail");
        Assert.Equal(0, statusB.EventsCommitted);

        // B can write again, more events arrive, and B leaves.
        await db.ExecuteAsync("ACL", "SETUSER", "b", "+@all");
        bed.Produce(records.Skip(half));
        await Eventually.Until(() => Task.FromResult(statusC.EventsCommitted > 0), TimeSpan.FromSeconds(60), "C to commit");
        await b.StopAsync();

        var ends = bed.EndOffsets();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(120), "A and C to finish");
        await bed.AssertStoredStatesExpected(records);
        var unique = StreamTestBed.UniqueEvents(records);
        await Eventually.Until(() => Task.FromResult(statusA.EventsCommitted + statusB.EventsCommitted + statusC.EventsCommitted == unique),
            TimeSpan.FromSeconds(10), $"reported totals to reach {unique}");
    }
}
