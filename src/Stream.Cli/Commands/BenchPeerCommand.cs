using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Spectre.Console;
using StackExchange.Redis;
using Stream.Embedded;
using Stream.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream bench peer</c>: Stream against what a .NET team would otherwise run, a Kafka Streams app
/// (Streamiz.Kafka.Net, benchmarks/Stream.Bench.Peer) with a RocksDB or an in-memory store, on the same events in the
/// same mock cluster. The events are produced once; each round then starts a fresh monitor process (with its own
/// redis-server) and a fresh peer process of each kind, one after the other, and measures each from launch until its
/// progress is durable: for the monitor, offsets committed to Redis with the states; for the peer, offsets committed
/// to Kafka. CPU is each process's own (<c>/proc</c>), and redis-server's for the monitor. Both sides must have seen
/// every event: the monitor's stored offsets reach the ends, and the peer's store totals equal a count of the input.
/// </summary>
internal static class BenchPeerCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events to produce once and read in every run", DefaultValueFactory = _ => 1_000_000 };
        var customers = CommonOptions.Customers(100_000);
        // The mock cluster keeps about 5 MB per partition: with fewer, it silently drops the oldest of 1M events.
        var partitions = CommonOptions.Partitions(32);
        var seed = CommonOptions.Seed(7);
        var rounds = new Option<int>("--rounds") { Description = "Rounds: each runs a fresh monitor and a fresh peer of each store", DefaultValueFactory = _ => 3 };
        var peers = new Option<string>("--peers") { Description = "Peer stores to run, comma-separated: rocksdb, memory, or none", DefaultValueFactory = _ => "rocksdb,memory" };
        var monitorAssembly = new Option<string?>("--monitor")
        {
            Description = "The monitor to run (a Stream.Monitor.dll; default: this repository's monitor, published ReadyToRun as the Dockerfile publishes it)",
        };
        var peerProject = new Option<string?>("--peer-project") { Description = "The peer's project (default: benchmarks/Stream.Bench.Peer in this repository)" };
        var command = new Command("peer", "Stream against a Kafka Streams for .NET (Streamiz) app on the same events: events/s and events per CPU-second")
        {
            events, customers, partitions, seed, rounds, peers, monitorAssembly, peerProject,
        };
        command.SetAction(async (parse, ct) => await Run(parse.GetValue(events), parse.GetValue(customers), parse.GetValue(partitions),
            parse.GetValue(seed), parse.GetValue(rounds), ParsePeers(parse.GetValue(peers)!), parse.GetValue(monitorAssembly), parse.GetValue(peerProject), ct));
        return command;
    }

    private static IReadOnlyList<string> ParsePeers(string value)
    {
        var stores = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(s => s != "none").ToList();
        if (stores.FirstOrDefault(s => s is not ("rocksdb" or "memory")) is { } unknown) throw new ArgumentException($"--peers: unknown store {unknown}");
        return stores;
    }

    private static async Task<int> Run(int events, int customers, int partitions, int seed, int rounds, IReadOnlyList<string> peerStores, string? monitorAssembly, string? peerProject, CancellationToken ct)
    {
        if (events <= 0 || rounds <= 0) throw new ArgumentException("--events and --rounds must be positive");
        var peer = peerStores.Count > 0 ? await BuildPeer(peerProject ?? RepositoryPath("benchmarks", "Stream.Bench.Peer", "Stream.Bench.Peer.csproj"), ct) : "";
        monitorAssembly ??= await PublishMonitor(ct);

        using var kafka = new MockKafkaCluster();
        var topics = new StreamTopics();
        foreach (var topic in topics.Inputs) kafka.CreateTopic(topic, partitions);
        foreach (var topic in new[] { topics.DeadLetter, topics.Changes, topics.Alerts }) kafka.CreateTopic(topic, 1);
        AnsiConsole.MarkupLineInterpolated($"[grey]Kafka mock cluster, {partitions} partitions per input topic; producing {events:N0} events ({customers:N0} customers, seed {seed})[/]");
        BenchIngestCommand.Produce(kafka.BootstrapServers, events, customers, seed, lingerMs: null);
        var input = PeerTotals.Count(kafka.BootstrapServers, topics.Inputs, partitions);
        if (input.Events + input.Skipped != events)
            throw new InvalidOperationException($"the topics hold {input.Events + input.Skipped:N0} records, not {events:N0}: the mock cluster dropped some (it keeps ~5 MB per partition); raise --partitions");
        AnsiConsole.MarkupLineInterpolated($"[grey]Input: {input.Events:N0} records with key and value ({input.Skipped:N0} without), {input.Customers:N0} customers[/]");

        var runs = new List<Measured>();
        var failures = new List<string>();
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"round {round} of {rounds}");
            runs.Add(await RunMonitor(monitorAssembly, kafka.BootstrapServers, topics, partitions, events, round, ct));
            foreach (var store in peerStores)
            {
                var (run, differences) = await RunPeer(peer, kafka, topics, partitions, events, input, store, round, ct);
                runs.Add(run);
                failures.AddRange(differences.Select(d => $"round {round}, {run.Side}: {d}"));
            }
        }

        var table = new Table().AddColumns("round", "side", "wall (s)", "CPU (s)", "events/s", "events per CPU-second");
        foreach (var r in runs)
            table.AddRow($"{r.Round}", r.Side, $"{r.WallSeconds:F1}", $"{r.CpuSeconds:F1}", $"{r.Rate:N0}", $"{r.PerCpuSecond:N0}");
        AnsiConsole.Write(table);

        var sides = runs.Select(r => r.Side).Distinct().ToList();
        var medians = sides.ToDictionary(s => s, s => (Rate: Median(runs.Where(r => r.Side == s).Select(r => r.Rate)),
            PerCpu: Median(runs.Where(r => r.Side == s).Select(r => r.PerCpuSecond)),
            CpuMicros: Median(runs.Where(r => r.Side == s).Select(r => r.CpuSeconds * 1e6 / events))));
        var summary = new Table().AddColumns($"median of {rounds}", "events/s", "events per CPU-second", "CPU µs per event", "Stream ÷ this: events/s", "Stream ÷ this: per CPU-second");
        var stream = medians[StreamSide];
        foreach (var (side, m) in medians)
            summary.AddRow(side, $"{m.Rate:N0}", $"{m.PerCpu:N0}", $"{m.CpuMicros:F2}", $"{stream.Rate / m.Rate:F2}×", $"{stream.PerCpu / m.PerCpu:F2}×");
        AnsiConsole.Write(summary);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench-peer events={events} rounds={rounds} ") + string.Join(' ', medians.Select(kv =>
        {
            var key = kv.Key.Replace(' ', '_');
            return string.Create(CultureInfo.InvariantCulture, $"{key}_eps={kv.Value.Rate:F0} {key}_per_cpu_s={kv.Value.PerCpu:F0} {key}_cpu_us={kv.Value.CpuMicros:F2}");
        })));
        foreach (var failure in failures) AnsiConsole.MarkupLineInterpolated($"[red]{failure}[/]");
        return failures.Count == 0 ? 0 : 1;
    }

    private const string StreamSide = "stream";

    private sealed record Measured(int Round, string Side, double WallSeconds, double CpuSeconds, long Events)
    {
        public double Rate => Events / WallSeconds;
        public double PerCpuSecond => Events / CpuSeconds;
    }

    /// <summary>A fresh monitor process and redis-server, from launch until every event's offset is committed to Redis with its state.</summary>
    private static async Task<Measured> RunMonitor(string? assembly, string bootstrap, StreamTopics topics, int partitions, int events, int round, CancellationToken ct)
    {
        using var redisServer = new RedisServerProcess();
        var redis = $"127.0.0.1:{redisServer.Port}";
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var redisCpuBefore = await BenchIngestCommand.RedisCpuSeconds(redis) ?? 0;
        var keys = new RedisKeys("stream");
        var clock = Stopwatch.StartNew();
        using var monitor = MonitorProcesses.Start(new Dictionary<string, string?>
        {
            ["Stream:Kafka:BootstrapServers"] = bootstrap,
            ["Stream:Kafka:GroupId"] = $"bench-peer-monitor-{round}",
            ["Stream:Redis:Configuration"] = redis,
            ["Stream:Api:Key"] = "bench-api-key-not-used-0000",
            ["Logging:LogLevel:Default"] = "Warning",
        }, assembly);
        try
        {
            await Until(async () => await MonitorProcesses.CommittedAsync(connection, keys, topics, partitions) >= events, monitor, ct);
            var wall = clock.Elapsed.TotalSeconds;
            var cpu = monitor.TotalProcessorTime.TotalSeconds + (await BenchIngestCommand.RedisCpuSeconds(redis) ?? 0) - redisCpuBefore;
            return new Measured(round, StreamSide, wall, cpu, events);
        }
        finally
        {
            if (!monitor.HasExited) monitor.Kill(entireProcessTree: true);
        }
    }

    /// <summary>A fresh peer process, from launch until its group's committed offsets reach the ends; then its store's totals are checked.</summary>
    private static async Task<(Measured Run, IReadOnlyList<string> Differences)> RunPeer(string peerDll, MockKafkaCluster kafka, StreamTopics topics, int partitions,
        int events, PeerTotals input, string store, int round, CancellationToken ct)
    {
        var applicationId = $"bench-peer-{store}-{round}";
        var bootstrap = kafka.BootstrapServers;
        // The mock cluster answers no CreateTopics (it names no controller): the store's changelog is made here, as
        // Kafka Streams would make it, one partition per input partition.
        kafka.CreateTopic($"{applicationId}-customer-totals-changelog", partitions);
        var stateDir = Directory.CreateTempSubdirectory("stream-bench-peer-");
        // STREAM_PEER_LOG=1 makes the peer log at debug level onto this console.
        var logging = Environment.GetEnvironmentVariable("STREAM_PEER_LOG") == "1";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = !logging };
        foreach (var arg in new[] { peerDll, bootstrap, applicationId, store, stateDir.FullName }.Concat(topics.Inputs)) start.ArgumentList.Add(arg);
        using var offsets = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = applicationId }).Build();
        var assignment = topics.Inputs.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p))).ToList();
        var lines = new List<string>();
        var errors = new Queue<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the peer did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (lines) lines.Add(line); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (errors)
            {
                errors.Enqueue(line);
                if (errors.Count > 40) errors.Dequeue();
            }
        };
        process.BeginOutputReadLine();
        if (!logging) process.BeginErrorReadLine();
        try
        {
            try
            {
                await Until(() => Task.FromResult(offsets.Committed(assignment, TimeSpan.FromSeconds(10)).Sum(o => Math.Max(0, o.Offset.Value)) >= events), process, ct);
            }
            catch (InvalidOperationException ex)
            {
                lock (errors) throw new InvalidOperationException($"peer {store}: {ex.Message}; its last output:\n{string.Join('\n', errors)}", ex);
            }
            var wall = clock.Elapsed.TotalSeconds;
            var cpu = process.TotalProcessorTime.TotalSeconds;
            await process.StandardInput.WriteLineAsync("stop");
            await process.StandardInput.FlushAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(2), ct);
            var measured = new Measured(round, $"peer {store}", wall, cpu, input.Events);
            string? last;
            lock (lines) last = lines.LastOrDefault(l => l.StartsWith('{'));
            if (last is null) return (measured, ["printed no totals"]);
            using var totals = JsonDocument.Parse(last);
            return (measured, input.Differences(totals.RootElement));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            stateDir.Delete(recursive: true);
        }
    }

    private static async Task Until(Func<Task<bool>> condition, Process process, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (!await condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"the process exited with code {process.ExitCode} before its progress reached the end");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("progress did not reach the end within 10 minutes");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Restores and builds the peer (only this command does), and returns its assembly.</summary>
    private static async Task<string> BuildPeer(string project, CancellationToken ct)
    {
        if (!File.Exists(project)) throw new FileNotFoundException($"the peer's project is not at {project}: pass --peer-project", project);
        AnsiConsole.MarkupLineInterpolated($"[grey]Building the peer ({project})[/]");
        await Dotnet(ct, "build", project, "-c", "Release");
        return Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "net10.0", "stream-bench-peer.dll");
    }

    /// <summary>Publishes the monitor as users run it (the Dockerfile's flags: ReadyToRun, framework-dependent) and returns its assembly.</summary>
    private static async Task<string> PublishMonitor(CancellationToken ct)
    {
        var output = Path.Combine(Path.GetTempPath(), "stream-bench-peer-monitor");
        AnsiConsole.MarkupLineInterpolated($"[grey]Publishing the monitor, ReadyToRun, to {output}[/]");
        await Dotnet(ct, "publish", RepositoryPath("src", "Stream.Monitor", "Stream.Monitor.csproj"), "-c", "Release", "--use-current-runtime",
            "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output);
        return Path.Combine(output, "Stream.Monitor.dll");
    }

    private static async Task Dotnet(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Concat(["--nologo", "-v", "quiet"])) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet {args[0]} {args[1]} failed:\n{await output}{await errors}");
    }

    /// <summary>A path in the first folder above this CLI that holds Stream.sln.</summary>
    private static string RepositoryPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stream.sln"))) return Path.Combine([dir.FullName, .. parts]);
        }
        throw new InvalidOperationException("no Stream.sln above this CLI: pass --monitor and --peer-project");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[(sorted.Count - 1) / 2];
    }
}
