using Stream.Monitor.Snapshots;
using Xunit.Abstractions;
using Stream.Monitor.Storage;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Replay;

namespace Stream.Monitor.Tests;

/// <summary>The acceptance check of live RFM: the whole CDNOW data set through Kafka and Redis, against the batch reference.</summary>
public sealed class CdnowRfmTests(ITestOutputHelper output)
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
        var snapshot = await CustomerSnapshot.BuildAsync(store, bed.Partitions, new DateOnly(1998, 6, 30), new Core.Analytics.AnalyticsOptions());
        using var written = new StringWriter { NewLine = "\n" };
        await CustomerSnapshot.WriteCsvAsync(written, snapshot);

        // The snapshot's first 14 columns are the reference's layout; the rest (tier, stage, windows) come after.
        var expected = File.ReadAllLines(ReferenceData.PathOf("cdnow", "rfm.csv"));
        var actual = written.ToString().TrimEnd('\n').Split('\n').Select(l => string.Join(',', l.Split(',').Take(14))).ToArray();
        Assert.Equal(23_571, expected.Length);
        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(expected.Length, actual.Length);
        var mismatches = expected.Zip(actual).Where(p => p.First != p.Second).Take(5).ToList();
        Assert.True(mismatches.Count == 0, "first mismatches:\n" + string.Join('\n', mismatches.Select(m => $"want {m.First}\n got {m.Second}")));

        // The Pareto picture: premium is the smallest group that carries 70% of the last year's value.
        foreach (var t in snapshot.Tiers)
            output.WriteLine($"{t.Tier}: {t.Customers} customers ({t.CustomerShare:P1}), {t.ValueShare:P1} of 365-day value");
        var premium = snapshot.Tiers.Single(t => t.Tier == Core.Analytics.ValueTier.Premium);
        Assert.InRange(premium.ValueShare, 0.70, 0.72);
        Assert.InRange(premium.CustomerShare, 0.05, 0.30);
    }
}
