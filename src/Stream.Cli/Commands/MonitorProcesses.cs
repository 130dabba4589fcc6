using System.Diagnostics;
using StackExchange.Redis;
using Stream.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Cli.Commands;

/// <summary>Monitor processes the benchmarks start beside themselves, and how far their commits have come.</summary>
internal static class MonitorProcesses
{
    /// <summary>The monitor built beside this CLI.</summary>
    public static string BesideThisCli => Path.Combine(AppContext.BaseDirectory, "Stream.Monitor.dll");

    /// <summary>
    /// Starts the monitor (<paramref name="assembly"/>, by default the one beside this CLI) with the settings as
    /// environment variables; its output is discarded.
    /// </summary>
    public static Process Start(Dictionary<string, string?> settings, string? assembly = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly ?? BesideThisCli);
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Urls"] = "http://127.0.0.1:0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the monitor did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Records committed to Redis: the sum of the next offsets stored with the states.</summary>
    public static async Task<long> CommittedAsync(ConnectionMultiplexer redis, RedisKeys keys, StreamTopics topics, int partitions)
    {
        // One HMGET per partition: the benches poll this often, and bench peer counts redis-server's CPU as the monitor's.
        var db = redis.GetDatabase();
        var fields = topics.Inputs.Select(t => (RedisValue)RedisKeys.OffsetField(t)).ToArray();
        long total = 0;
        for (var p = 0; p < partitions; p++)
            foreach (var next in await db.HashGetAsync(keys.Offsets(p), fields))
                total += (long?)next ?? 0;
        return total;
    }
}
