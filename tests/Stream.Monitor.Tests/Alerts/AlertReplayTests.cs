using System.Text.Json.Nodes;
using Confluent.Kafka;
using Stream.Monitor.Storage;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;
using Xunit.Abstractions;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>
/// The shipped rules over a simulated year of 1,500 customers (a day of event time every 22 ms or so, so a batch
/// spans days): a monitor that consumes while the events are produced; a replay from scratch with one record per
/// batch; and a monitor process SIGKILLed at seeded random moments and restarted. The replay publishes exactly the
/// same alerts, and the crashed run the same distinct alerts (it may publish some twice: at least once), with the
/// same ids, times and transitions.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AlertReplayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Live_a_one_record_per_batch_replay_and_a_crashed_run_publish_the_same_alerts()
    {
        using var bed = new StreamTestBed(partitions: 4);
        bed.Kafka.CreateTopic("replay.alerts", 1);
        bed.Kafka.CreateTopic("crashed.alerts", 1);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 1_500, Seed = 21, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), InvalidShare = 0.002, DuplicateShare = 0.01,
        }).Records().Take(40_000).ToList();
        // No population model: one rebuilt by the wall clock would give the runs different tiers. Event time moves
        // with the events alone (no idle partition moves with the wall clock).
        var common = new Dictionary<string, string?> { ["Stream:Models:Enabled"] = "false", ["Stream:Ingest:IdleAfter"] = "01:00:00" };

        await using (var live = bed.CreateMonitor(extra: common))
        {
            await live.StartAsync();
            // 5,000 a second: a customer's events then come about 300 ms apart, more than the merge waits for a
            // record of another topic that may still be on its way (MaxTopicWait, ADR 0007). At 10,000 a second, on a
            // machine slowed by malloc checking and before that wait, one customer's complaint came after its later event.
            await bed.ProducePacedAsync(records, 5_000);
            await Eventually.Until(() => bed.CaughtUp(bed.EndOffsets()), TimeSpan.FromSeconds(120), "the live run to commit every offset");
            await live.StopAsync();
        }
        var ends = bed.EndOffsets();

        await using (var replay = bed.CreateMonitor("replay", Run(common, "replay", KeyValuePair.Create<string, string?>("Stream:Ingest:MaxBatchRecords", "1"))))
        {
            await replay.StartAsync();
            await Eventually.Until(() => Committed(bed, "replay", ends), TimeSpan.FromSeconds(240), "the replay to commit every offset");
            await replay.StopAsync();
        }

        var crashed = new Dictionary<string, string?>(bed.Settings("crashed"));
        foreach (var (key, value) in Run(common, "crashed")) crashed[key] = value;
        // Killed three times, as it passes seeded random shares of the records; batches of 50 records make it slow enough.
        crashed["Stream:Ingest:MaxBatchRecords"] = "50";
        var random = new Random(5);
        var total = ends.Values.Sum();
        var killAt = new[] { 0.15, 0.4, 0.65 }.Select(share => (long)((share + random.NextDouble() * 0.2) * total)).ToList();
        foreach (var at in killAt.Append(total))
        {
            using var monitor = new MonitorProcess(crashed);
            try
            {
                await Eventually.Until(async () => await CommittedRecords(bed, "crashed", ends) >= at || monitor.HasExited, TimeSpan.FromSeconds(120),
                    $"the crashed run to commit {at} records");
            }
            catch (TimeoutException ex)
            {
                lock (monitor.Output) Assert.Fail($"{ex.Message}; the monitor wrote:\n{string.Join('\n', monitor.Output.TakeLast(50))}");
            }
            Assert.False(monitor.HasExited, string.Join('\n', monitor.Output));
            if (at < total) monitor.Crash();
            else monitor.Stop();
        }
        var kills = killAt.Count;

        var first = Alerts(bed, bed.Topics.Alerts);
        var second = Alerts(bed, "replay.alerts");
        var third = Alerts(bed, "crashed.alerts");
        output.WriteLine($"{first.Count} alerts live ({first.Distinct().Count()} distinct), {second.Count} in the replay, {third.Count} in the crashed run " +
            $"({third.Distinct().Count()} distinct, {kills} kills); by rule: {string.Join(", ", first.GroupBy(a => a.Rule).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.True(first.Count > 1_000, $"only {first.Count} alerts");
        Assert.Equal(first.Count, first.Distinct().Count());
        AssertSame(first, second, "the replay");
        AssertSame(first, third, "the crashed run");
    }

    private static void AssertSame(List<Alert> expected, List<Alert> actual, string run)
    {
        var (e, a) = (expected.ToHashSet(), actual.ToHashSet());
        var missing = expected.Where(x => !a.Contains(x)).ToList();
        var extra = a.Where(x => !e.Contains(x)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{run}: {missing.Count} live alerts missing, e.g. {string.Join("; ", missing.Take(5))}; {extra.Count} others, e.g. {string.Join("; ", extra.Take(5))}");
    }

    /// <summary>The common settings for a run of its own: its own key prefix, group and alerts topic.</summary>
    private static Dictionary<string, string?> Run(Dictionary<string, string?> common, string name, params KeyValuePair<string, string?>[] more)
    {
        var settings = new Dictionary<string, string?>(common)
        {
            ["Stream:Redis:KeyPrefix"] = name,
            ["Stream:Kafka:AlertsTopic"] = name + ".alerts",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private static Task<long> CommittedRecords(StreamTestBed bed, string prefix, IReadOnlyDictionary<TopicPartition, long> ends) =>
        bed.CommittedRecords(ends, new RedisKeys(prefix));

    private static async Task<bool> Committed(StreamTestBed bed, string prefix, IReadOnlyDictionary<TopicPartition, long> ends) =>
        await CommittedRecords(bed, prefix, ends) >= ends.Values.Sum();

    private sealed record Alert(string Id, string Event, string Rule, string Customer, string At);

    private static List<Alert> Alerts(StreamTestBed bed, string topic) =>
    [
        .. bed.ReadAll(topic).Select(r => JsonNode.Parse(r.Value)!).Select(a =>
            new Alert((string)a["alertId"]!, (string)a["event"]!, (string)a["rule"]!["id"]!, (string)a["customerId"]!, (string)a["at"]!)),
    ];
}
