using System.Globalization;
using Stream.Monitor.Snapshots;
using Xunit.Abstractions;
using Stream.Monitor.Storage;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Replay;

namespace Stream.Monitor.Tests;

/// <summary>The acceptance check of live RFM: the whole CDNOW data set through Kafka and Redis, against the batch reference.</summary>
[Trait("Category", "Integration")]
public sealed class CdnowRfmTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Replaying_cdnow_and_snapshotting_as_of_the_observation_end_matches_the_reference_rfm_for_every_customer()
    {
        using var bed = new StreamTestBed(partitions: 12);
        using (var producer = bed.CreateProducer())
        using (var csv = File.OpenText(ReferenceData.PathOf("cdnow", "transactions.csv")))
        {
            var errors = new List<CsvRowError>();
            foreach (var ev in CsvReplay.Read(csv, CsvFormat.Cdnow, "cdnow", "USD", errors)) producer.Enqueue(ev);
            producer.Flush(TimeSpan.FromMinutes(1));
            Assert.Empty(errors);
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

        // Churn and value models fitted on the live state reproduce the batch library's per-customer scores
        // (the data set's tolerance for fitted parameters: 1e-3 relative per customer, 1e-4 on the total).
        Assert.True(snapshot.Model.HasValueModels, snapshot.Model.ModelProblem);
        var bgnbd = System.Text.Json.JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("cdnow", "bgnbd.json"))).RootElement;
        var churn = snapshot.Model.Churn!;
        output.WriteLine($"live BG/NBD: r={churn.R:R} alpha={churn.Alpha:R} a={churn.A:R} b={churn.B:R}");
        var p = bgnbd.GetProperty("params");
        Assert.True(Relative(churn.R, p.GetProperty("r").GetDouble()) < 1e-4 && Relative(churn.Alpha, p.GetProperty("alpha").GetDouble()) < 1e-4
            && Relative(churn.A, p.GetProperty("a").GetDouble()) < 1e-4 && Relative(churn.B, p.GetProperty("b").GetDouble()) < 1e-4, $"fitted {churn}");

        // Live scoring uses the model's cut points and tier thresholds instead of ranking everybody. Equal values
        // get equal scores there, where the batch ranking splits ties by customer id: every difference must be
        // such a tie (the value sits exactly on a cut point or threshold).
        var options = new Core.Analytics.AnalyticsOptions();
        var asOfDay = Core.Analytics.EpochDays.Of(new DateOnly(1998, 6, 30));
        var states = new Dictionary<string, Core.State.CustomerState>();
        for (var part = 0; part < bed.Partitions; part++)
            await foreach (var (id, bytes) in store.ScanAsync(part)) states[id] = Core.State.CustomerStateCodec.Decode(bytes);
        int sameSegment = 0, sameR = 0, sameF = 0, sameTier = 0;
        foreach (var row in snapshot.Rows)
        {
            var live = Core.Scoring.CustomerReview.Status(states[row.CustomerId], asOfDay, snapshot.Model, options);
            if (live.Segment == row.Rfm!.Segment) sameSegment++;
            if (6 - snapshot.Model.RecencyDays.Bin(row.Rfm.Values.RecencyDays) == row.Rfm.R) sameR++;
            else Assert.Contains(row.Rfm.Values.RecencyDays, snapshot.Model.RecencyDays.Upper);
            if (snapshot.Model.Frequency.Bin(row.Rfm.Values.Frequency) == row.Rfm.F) sameF++;
            else Assert.Contains(row.Rfm.Values.Frequency, snapshot.Model.Frequency.Upper);
            if (live.Tier == row.Tier) sameTier++;
            else Assert.Contains(row.Signals.NetSpend365dUnits, new[] { snapshot.Model.Tiers.PremiumMin, snapshot.Model.Tiers.GrowthMin, snapshot.Model.Tiers.PotentialMin });
        }
        var n = (double)snapshot.Rows.Count;
        output.WriteLine($"live vs exact: R {sameR / n:P2}, F {sameF / n:P2}, segment {sameSegment / n:P2}, tier {sameTier / n:P2}");
        Assert.True(sameTier / n > 0.99, $"tier agreement {sameTier / n:P3}");
        var predictions = File.ReadLines(ReferenceData.PathOf("cdnow", "predictions.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => (PAlive: double.Parse(f[1], CultureInfo.InvariantCulture), Clv: double.Parse(f[7], CultureInfo.InvariantCulture)));
        double worst = 0, clvTotal = 0;
        foreach (var row in snapshot.Rows)
        {
            var reference = predictions[row.CustomerId];
            worst = Math.Max(worst, Math.Max(Relative(row.Value!.ProbabilityAlive, reference.PAlive), Relative(row.Value.Clv12m, reference.Clv)));
            clvTotal += row.Value.Clv12m;
        }
        output.WriteLine($"worst relative difference of P(alive) or CLV: {worst:E2}; total CLV {clvTotal:F2}");
        Assert.True(worst < 1e-3, $"worst relative difference {worst:E2}");
        Assert.True(Relative(clvTotal, 769970.8507370736) < 1e-4, $"total CLV {clvTotal}");

        // Potential: the tier ranking applied to expected 12-month value. It must equal the ranking of the
        // reference CLVs; live scoring (the model's potential thresholds) must agree but for threshold ties.
        var referencePotential = Core.Analytics.ValueTiers.Assign(
            predictions.Select(kv => (kv.Key, Core.Events.Money.ToUnits(kv.Value.Clv))).ToList(), options);
        var samePotential = snapshot.Rows.Count(r => r.Potential == referencePotential[r.CustomerId]);
        var liveSame = snapshot.Rows.Count(r => r.Value!.Potential == r.Potential);
        output.WriteLine($"potential tier: {samePotential} of {snapshot.Rows.Count} equal the reference CLV ranking; live thresholds agree for {liveSame / n:P2}");
        Assert.True(samePotential >= snapshot.Rows.Count - 5, $"{snapshot.Rows.Count - samePotential} potential tiers differ from the reference ranking");
        Assert.True(liveSame / n > 0.99, $"live potential agreement {liveSame / n:P3}");
        foreach (var t in snapshot.Tiers)
        {
            var byPotential = snapshot.Rows.Where(r => r.Tier == t.Tier).GroupBy(r => r.Potential).OrderBy(g => g.Key)
                .Select(g => $"{g.Key}={g.Count()}");
            output.WriteLine($"{t.Tier}: {t.ExpectedValueShare:P1} of expected 12-month value; at risk {t.AtRisk} customers, "
                + $"{Core.Events.Money.FromUnits(t.ValueAtRiskUnits):N0} of value; potential {string.Join(' ', byPotential)}");
        }
        Assert.Equal(1.0, snapshot.Tiers.Sum(t => t.ExpectedValueShare), 9);
        Assert.Equal(clvTotal, snapshot.Tiers.Sum(t => t.ExpectedValue), 3);
        Assert.Equal(snapshot.Rows.Count(r => r.Value!.ProbabilityAlive < options.ChurnRiskThreshold), snapshot.Tiers.Sum(t => t.AtRisk));
    }

    private static double Relative(double actual, double expected) => Math.Abs(expected) < 1e-12 ? Math.Abs(actual) : Math.Abs(actual / expected - 1);
}
