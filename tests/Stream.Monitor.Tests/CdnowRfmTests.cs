using Stream.Monitor.Snapshots;
using Stream.Monitor.Storage;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Replay;

namespace Stream.Monitor.Tests;

/// <summary>The acceptance check of live RFM: the whole CDNOW data set through Kafka and Redis, against the batch reference.</summary>
public sealed class CdnowRfmTests
{
    [Fact]
    public async Task Replaying_cdnow_and_snapshotting_as_of_the_observation_end_matches_the_reference_rfm_for_every_customer()
    {
        using var bed = new StreamTestBed(partitions: 12);
        using (var producer = bed.CreateProducer())
        using (var csv = File.OpenText(ReferenceData.PathOf("cdnow", "transactions.csv")))
        {
            foreach (var ev in CsvReplay.Read(csv, CsvFormat.Cdnow, "cdnow", "USD")) producer.Enqueue(ev);
            producer.Flush(TimeSpan.FromMinutes(1));
        }
        var ends = bed.EndOffsets();
        Assert.Equal(69_659, ends.Values.Sum());

        await using (var monitor = bed.CreateMonitor())
        {
            await monitor.StartAsync();
            await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(120), "CDNOW ingest");
        }

        var store = new CustomerStateStore(bed.Redis.Connection, bed.Keys);
        var scores = await RfmSnapshot.BuildAsync(store, bed.Partitions, new DateOnly(1998, 6, 30));
        using var written = new StringWriter { NewLine = "\n" };
        await RfmSnapshot.WriteCsvAsync(written, scores);

        var expected = File.ReadAllLines(ReferenceData.PathOf("cdnow", "rfm.csv"));
        var actual = written.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(23_571, expected.Length);
        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(expected.Length, actual.Length);
        var mismatches = expected.Zip(actual).Where(p => p.First != p.Second).Take(5).ToList();
        Assert.True(mismatches.Count == 0, "first mismatches:\n" + string.Join('\n', mismatches.Select(m => $"want {m.First}\n got {m.Second}")));
    }
}
