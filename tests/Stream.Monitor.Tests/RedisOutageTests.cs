using StackExchange.Redis;
using Stream.Embedded;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class RedisOutageTests
{
    [Fact]
    public async Task A_redis_crash_mid_stream_loses_and_doubles_nothing_once_redis_is_back()
    {
        using var bed = new StreamTestBed(partitions: 4);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 300, Seed = 21, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DuplicateShare = 0.01,
        }).Records().ToList();
        var half = records.Count / 2;
        bed.Produce(records.Take(half));
        var firstHalf = bed.EndOffsets();

        // A durable Redis of its own, so it can be killed and restarted with its data.
        var redis = new RedisServerProcess(durable: true);
        var (port, directory) = (redis.Port, redis.Directory);
        try
        {
            await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
            {
                ["Stream:Redis:Configuration"] = redis.ConnectionString,
                ["Stream:Ingest:MaxBatchRecords"] = "500",
            });
            await monitor.StartAsync();
            // One connection for the test's reads; it reconnects by itself once Redis is back.
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},abortConnect=false,connectTimeout=1000");
            await Eventually.Until(() => Reachable(() => bed.CommittedRecords(firstHalf, connection), n => n > 0), TimeSpan.FromSeconds(60), "a first commit");

            // Redis dies while the monitor is busy; the second half of the events arrives during the outage.
            redis.Kill();
            bed.Produce(records.Skip(half));
            var ends = bed.EndOffsets();
            var total = ends.Values.Sum();
            // Longer than the client's 5 s timeout, so writes fail rather than wait in its backlog.
            await Task.Delay(7000);
            redis = new RedisServerProcess(durable: true, port: port, directory: directory);

            await Eventually.Until(() => Reachable(() => bed.CommittedRecords(ends, connection), n => n == total), TimeSpan.FromSeconds(120), "ingest to finish after the outage");
            // The failure path really ran: writes failed, and the loop resumed from what Redis held.
            var metrics = await MetricsText.Scrape(monitor.Services.GetRequiredService<Prometheus.CollectorRegistry>());
            Assert.True(MetricsText.Sum(metrics, "stream_ingest_errors_total") > 0, "no ingest error was recorded, so the outage did not hit a write");

            var stored = await bed.StoredStates(connection);
            var expected = StreamTestBed.ExpectedStates(records);
            Assert.Equal(expected.Count, stored.Count);
            var diffs = expected.Where(kv => !kv.Value.AsSpan().SequenceEqual(stored[kv.Key])).Take(3).Select(kv =>
            {
                var e = Core.State.CustomerStateCodec.Decode(kv.Value);
                var a = Core.State.CustomerStateCodec.Decode(stored[kv.Key]);
                return $"{kv.Key}: expected {e.EventCount} events, stored {a.EventCount}; purchases {e.Count(Core.Events.EventType.Purchase)} vs {a.Count(Core.Events.EventType.Purchase)}; logins {e.Count(Core.Events.EventType.Login)} vs {a.Count(Core.Events.EventType.Login)}";
            }).ToList();
            Assert.True(diffs.Count == 0, string.Join("\n", diffs));
        }
        finally
        {
            redis.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The condition on a Redis read, false while Redis is unreachable.</summary>
    private static async Task<bool> Reachable(Func<Task<long>> read, Func<long, bool> condition)
    {
        try
        {
            return condition(await read());
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
