using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using StackExchange.Redis;
using Stream.Core.Events;
using Stream.Monitor;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Kafka;
using Stream.Producer;
using Stream.Producer.Simulation;

namespace Stream.Cli.Commands;

/// <summary>
/// <c>stream bench ingest</c>: in one run, the bare consume + deserialise ceiling, the full pipeline's
/// rate with state persisted to Redis, their ratio, and Redis bytes per customer.
/// </summary>
internal static class BenchIngestCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events to produce and ingest", DefaultValueFactory = _ => 1_000_000 };
        var customers = CommonOptions.Customers(100_000);
        // The mock cluster keeps only ~5 MB per partition, so a large pre-produced run needs many partitions.
        var partitions = CommonOptions.Partitions(64);
        var seed = CommonOptions.Seed();
        var redis = CommonOptions.BenchRedis();
        var warmup = new Option<int>("--warmup")
        {
            Description = "Events run through the ceiling and the pipeline on a separate embedded stack before measuring, so that both are measured with JIT tiering behind them (0: measure cold)",
            DefaultValueFactory = _ => 600_000,
        };
        var timeline = new Option<bool>("--timeline") { Description = "Print the pipeline's progress, GC counts and CPU time every 250 ms and each garbage collection (pause, bytes promoted) to stderr, then the ceiling's and the pipeline's CPU time by thread name and their minor page faults (Linux)" };
        var allocations = new Option<bool>("--allocations") { Description = "Sample what the pipeline allocates, by type (costs CPU: rates are lower)" };
        var lingerMs = new Option<int?>("--linger-ms")
        {
            Description = "linger.ms of the producer that writes the events before both runs (default: the SDK's). The mock cluster finds a fetch's "
                + "start by walking the partition's message sets, so fewer, larger sets cost it less CPU on the cores both runs share",
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Ceiling and pipeline runs, alternated over the same produced events (each pipeline run a fresh monitor with its own "
                + "consumer group and Redis keys); the ratio reported is the median of the rounds' ratios, so that one run's luck on a busy machine does not decide it",
            DefaultValueFactory = _ => 3,
        };
        rounds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--rounds must be at least 1");
        });
        var command = new Command("ingest", "Ingest throughput against its consume+deserialise ceiling, and Redis bytes per customer")
        {
            events, customers, partitions, seed, redis, warmup, timeline, allocations, lingerMs, rounds,
        };
        command.SetAction(async (parse, ct) => await Run(parse.GetValue(events), parse.GetValue(customers), parse.GetValue(partitions),
            parse.GetValue(seed), parse.GetValue(redis), parse.GetValue(warmup), parse.GetValue(timeline), parse.GetValue(allocations), parse.GetValue(lingerMs),
            parse.GetValue(rounds), ct));
        return command;
    }

    /// <summary>Monitor starts in the warm-up: with one, the JIT took 0.58–0.91 s of CPU during the measured run; with three, 0.14–0.25 s (3 runs each).</summary>
    private const int WarmupStarts = 3;

    private static async Task<int> Run(int events, int customers, int partitions, int seed, string? redis, int warmup, bool timeline, bool allocations, int? lingerMs, int rounds, CancellationToken ct)
    {
        if (warmup > 0)
        {
            // A long-running monitor compiles its hot paths once; a few seconds' run would otherwise measure the JIT
            // (its tiering thread took 12% of the CPU during a cold 1M-event pipeline run). Its own stack: nothing is left behind.
            using var warm = new EmbeddedStack(partitions, redis: null, preferRedisServer: true);
            Produce(warm.Kafka.BootstrapServers, warmup, customers, seed + 1, lingerMs);
            MeasureCeiling(warm, warmup, timeline: false, "bench-ceiling");
            // Small batches: the runtime promotes hot code only after 100 ms without new code to compile, so
            // the warm-up must repeat the same flush many times, not run two large ones. Several monitor starts
            // (each its own group and keys, so each reads everything): code that runs a few times per start (the
            // host, DI, clients' connection set-up) was otherwise still being recompiled during the measured run.
            for (var start = 0; start < WarmupStarts; start++)
            {
                await MeasurePipeline(warm, warmup, timeline: false, ct, new()
                {
                    ["Stream:Ingest:MaxBatchRecords"] = "5000",
                    ["Stream:Ingest:MaxBatchDelay"] = "00:00:00.020",
                    ["Stream:Ingest:CatchUpBatchDelay"] = "00:00:00.020",
                    ["Stream:Kafka:GroupId"] = $"bench-warmup-{start}",
                    ["Stream:Redis:KeyPrefix"] = $"warmup{start}",
                });
            }
            AnsiConsole.MarkupLineInterpolated($"[grey]Warmed up: {warmup:N0} events through the ceiling and {WarmupStarts} pipeline starts on a separate stack[/]");
        }
        using var stack = new EmbeddedStack(partitions, redis, preferRedisServer: true);
        AnsiConsole.MarkupLineInterpolated($"[grey]Kafka mock cluster, {partitions} partitions per topic; store: {stack.StoreName}[/]");

        var (produceRate, customerCount) = Produce(stack.Kafka.BootstrapServers, events, customers, seed, lingerMs);
        EnsureNothingTruncated(stack, events);
        // The first read of freshly produced events was the slowest ceiling run on a stack (the mock broker and
        // the GC cost more, and the ratio looked better for it): one unmeasured read first, so every round's
        // ratio compares a warm ceiling with the pipeline. Not when measuring cold.
        if (warmup > 0) MeasureCeiling(stack, events, timeline: false, "bench-ceiling-first-read");
        var results = new List<Round>();
        long stored = 0;
        double meanValue = 0;
        double? bytesPerCustomer = null;
        for (var round = 0; round < rounds; round++)
        {
            if (rounds > 1) Console.Error.WriteLine($"round {round + 1} of {rounds}");
            var ceiling = MeasureCeiling(stack, events, timeline, $"bench-ceiling-{round}");
            var memoryBefore = await UsedMemory(stack.Redis);
            var redisCpuBefore = await RedisCpuSeconds(stack.Redis);
            // The first round keeps the monitor's own group and keys; later ones read everything again under their own.
            var settings = round == 0 ? null : new Dictionary<string, string?>
            {
                ["Stream:Kafka:GroupId"] = $"bench-round-{round}",
                ["Stream:Redis:KeyPrefix"] = $"round{round}",
            };
            using var sampler = allocations && round == 0 ? new AllocationSampler() : null;
            var pipeline = await MeasurePipeline(stack, events, timeline, ct, settings);
            sampler?.Dispose();
            var redisCpuAfter = await RedisCpuSeconds(stack.Redis);
            double? redisCpu = redisCpuBefore is { } c0 && redisCpuAfter is { } c1 ? (c1 - c0) * 1e6 / events : null;
            results.Add(new Round(ceiling, pipeline, redisCpu));
            if (round == 0)
            {
                var memoryAfter = await UsedMemory(stack.Redis);
                (stored, meanValue) = await StoredStateSizes(stack.Redis);
                // Garnet reports no used_memory: the figure is only for a real redis-server.
                bytesPerCustomer = memoryBefore is { } before && memoryAfter is { } after ? (after - before) / (double)Math.Max(1, stored) : null;
                if (sampler is not null) WriteAllocations(sampler.BytesByType, events);
            }
        }
        var perCustomer = bytesPerCustomer is { } b ? $"{b:N0} bytes" : "n/a (store reports no used_memory)";

        if (rounds > 1)
        {
            var byRound = new Table().AddColumn("round").AddColumn(new TableColumn("ceiling").RightAligned()).AddColumn(new TableColumn("pipeline").RightAligned())
                .AddColumn(new TableColumn("ratio").RightAligned()).AddColumn(new TableColumn("steady").RightAligned())
                .AddColumn(new TableColumn("CPU µs/event: ceiling / monitor + redis").RightAligned());
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                byRound.AddRow($"{i + 1}", $"{r.Ceiling.Rate:N0}/s", $"{r.Pipeline.Rate:N0}/s", $"{r.Ratio:P1}", r.Pipeline.SteadyRate is { } sr ? (sr / r.Ceiling.Rate).ToString("P1", CultureInfo.InvariantCulture) : "n/a",
                    $"{r.Ceiling.CpuMicrosPerEvent:F2} / {r.Pipeline.CpuMicrosPerEvent:F2} + {Format(r.RedisCpu)}");
            }
            AnsiConsole.Write(byRound);
        }
        // The round whose ratio is the median (the lower middle one for an even count) stands for the run.
        var median = results.OrderBy(r => r.Ratio).ElementAt((results.Count - 1) / 2);
        var (ceilingRun, pipelineRun) = (median.Ceiling, median.Pipeline);
        var table = new Table().AddColumn(rounds > 1 ? $"measure (the median round of {rounds})" : "measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("events", $"{events:N0}");
        table.AddRow("customers (stored states)", $"{customerCount:N0} ({stored:N0})");
        table.AddRow("produce rate", $"{produceRate:N0} events/s");
        table.AddRow("ceiling: consume + deserialise", $"{ceilingRun.Rate:N0} events/s");
        table.AddRow("pipeline: to Redis, offsets committed", $"{pipelineRun.Rate:N0} events/s");
        table.AddRow("pipeline / ceiling", $"{median.Ratio:P1}");
        if (rounds > 1) table.AddRow("pipeline / ceiling, all rounds", string.Join("  ", results.Select(r => r.Ratio.ToString("P1", CultureInfo.InvariantCulture))));
        table.AddRow("pipeline after the first 30% (steady state)", pipelineRun.SteadyRate is { } steady
            ? $"{steady:N0} events/s ({steady / ceilingRun.Rate:P1})"
            : "n/a (the commit that passed 30% was the last)");
        table.AddRow("customer reviews / status changes / alerts published", $"{pipelineRun.Reviews:N0} / {pipelineRun.Changes:N0} / {pipelineRun.Alerts:N0}");
        // CPU time is what the two runs cost, whatever else the machine was doing meanwhile.
        table.AddRow("CPU per event: ceiling / pipeline (monitor process + redis-server)",
            $"{ceilingRun.CpuMicrosPerEvent:F2} µs / {pipelineRun.CpuMicrosPerEvent:F2} + {Format(median.RedisCpu)} µs");
        table.AddRow("allocated per event (whole process): ceiling / pipeline", $"{ceilingRun.AllocatedPerEvent:N0} / {pipelineRun.Gc.BytesPerEvent:N0} bytes");
        table.AddRow("pipeline GC pauses", $"{pipelineRun.Gc.PausedShare:P1} of the run");
        table.AddRow("Redis used_memory per customer", perCustomer);
        table.AddRow("mean encoded state", $"{meanValue:N0} bytes");
        AnsiConsole.Write(table);
        Console.WriteLine($"bench-ingest events={events} rounds={rounds} ceiling_eps={ceilingRun.Rate:F0} pipeline_eps={pipelineRun.Rate:F0} ratio={median.Ratio:F3} " +
            $"ratios={string.Join(",", results.Select(r => r.Ratio.ToString("F3", CultureInfo.InvariantCulture)))} " +
            $"pipeline_eps_all={string.Join(",", results.Select(r => r.Pipeline.Rate.ToString("F0", CultureInfo.InvariantCulture)))} " +
            $"steady_eps={pipelineRun.SteadyRate?.ToString("F0", CultureInfo.InvariantCulture) ?? "na"} " +
            $"steady_ratio={(pipelineRun.SteadyRate / ceilingRun.Rate)?.ToString("F3", CultureInfo.InvariantCulture) ?? "na"} " +
            $"redis_bytes_per_customer={bytesPerCustomer?.ToString("F0", CultureInfo.InvariantCulture) ?? "na"} mean_state_bytes={meanValue:F0} reviews={pipelineRun.Reviews} changes={pipelineRun.Changes} alerts={pipelineRun.Alerts} " +
            $"ceiling_alloc_bytes_per_event={ceilingRun.AllocatedPerEvent:F0} alloc_bytes_per_event={pipelineRun.Gc.BytesPerEvent:F0} gc_pause_share={pipelineRun.Gc.PausedShare:F3} " +
            $"ceiling_cpu_us={ceilingRun.CpuMicrosPerEvent:F2} pipeline_cpu_us={pipelineRun.CpuMicrosPerEvent:F2} redis_cpu_us={median.RedisCpu?.ToString("F2", CultureInfo.InvariantCulture) ?? "na"}");
        return 0;
    }

    private static string Format(double? micros) => micros is { } m ? m.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>One ceiling run and the pipeline run after it, with redis-server's CPU per event during the pipeline run.</summary>
    private sealed record Round(CeilingRun Ceiling, PipelineRun Pipeline, double? RedisCpu)
    {
        public double Ratio => Pipeline.Rate / Ceiling.Rate;
    }

    private sealed record CeilingRun(double Rate, double CpuMicrosPerEvent, double AllocatedPerEvent);

    /// <summary>One pipeline run; <c>SteadyRate</c> is null when the commit that passed 30% of the events was the last.</summary>
    private sealed record PipelineRun(double Rate, double? SteadyRate, long Reviews, long Changes, long Alerts, GcCost Gc, double CpuMicrosPerEvent);

    /// <summary>Produces the first <paramref name="events"/> simulated records; the rate and the number of customers among them.</summary>
    internal static (double Rate, int Customers) Produce(string bootstrap, int events, int customers, int seed, int? lingerMs)
    {
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = customers, Seed = seed, Start = DateTimeOffset.UtcNow.AddDays(-365),
        }).Records().Take(events).ToList();
        if (records.Count < events) throw new InvalidOperationException($"the simulation gave only {records.Count:N0} events: raise --customers");
        var clock = Stopwatch.StartNew();
        var settings = new Dictionary<string, string>();
        if (lingerMs is { } linger) settings["linger.ms"] = linger.ToString(CultureInfo.InvariantCulture);
        using (var producer = new StreamProducer(new StreamProducerOptions { BootstrapServers = bootstrap, Kafka = settings }))
        {
            Error? failure = null;
            foreach (var r in records) SimulationSender.Send(producer, r, e => failure ??= e);
            producer.Flush(TimeSpan.FromMinutes(2));
            if (failure is not null) throw new KafkaException(failure);
        }
        return (events / clock.Elapsed.TotalSeconds, records.Select(r => r.Key).Distinct().Count());
    }

    private static void EnsureNothingTruncated(EmbeddedStack stack, int events)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = stack.Kafka.BootstrapServers, GroupId = "bench-probe" }).Build();
        long low = 0, high = 0;
        foreach (var topic in stack.Topics.Inputs)
            for (var p = 0; p < stack.Partitions; p++)
            {
                var w = probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
                low += w.Low.Value;
                high += w.High.Value;
            }
        if (low > 0 || high != events)
            throw new InvalidOperationException($"the mock cluster dropped {low:N0} of {high:N0} records (it keeps ~5 MB per partition): raise --partitions");
    }

    /// <summary>
    /// Collects everything the bench itself left behind (the 1M simulated records it produced, the warm-up's
    /// monitors, the ceiling's consumer) with one full compacting collection, so that neither measured run
    /// pays for collecting the other phases' garbage: a monitor process does not hold them.
    /// </summary>
    private static void SettleHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>A consumer configured like the monitor's that only deserialises and validates: the ceiling.</summary>
    private static CeilingRun MeasureCeiling(EmbeddedStack stack, int events, bool timeline, string groupId)
    {
        SettleHeap();
        var factory = new KafkaClientFactory(Options.Create(new KafkaOptions { BootstrapServers = stack.Kafka.BootstrapServers, GroupId = groupId }));
        var arena = new RecordArena();
        using var consumer = factory.CreateConsumer(arena, _ => { });
        consumer.Subscribe(stack.Topics.Inputs);
        var reader = new EventReader(new EventLimits());
        var valid = 0;
        Stopwatch? clock = null;
        var cpuBefore = TimeSpan.Zero;
        long allocatedBefore = 0;
        ThreadCpu.Probe? threads = null;
        for (var seen = 0; seen < events;)
        {
            var r = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("ceiling consumer stalled");
            if (clock is null)
            {
                clock = Stopwatch.StartNew();
                cpuBefore = ProcessCpu();
                allocatedBefore = GC.GetTotalAllocatedBytes();
                if (timeline) threads = ThreadCpu.Probe.Start();
            }
            var kind = stack.Topics.KindOf(r.Topic)!.Value;
            if (ConsumedRecord.From(r, r.Topic).ReadFacts(reader, kind, r.Message.Timestamp.UtcDateTime).IsValid) valid++;
            // Nothing is kept: the arena's space is free again at once.
            arena.Recycle();
            seen++;
        }
        var elapsed = clock!.Elapsed.TotalSeconds;
        var cpuUsed = ProcessCpu() - cpuBefore;
        threads?.Write("ceiling", cpuUsed.TotalSeconds, events);
        var cpu = cpuUsed.TotalMicroseconds / events;
        var allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)events;
        consumer.Close();
        if (valid != events) throw new InvalidOperationException($"{events - valid} events failed validation in the ceiling run");
        return new CeilingRun(events / elapsed, cpu, allocated);
    }

    private static async Task<PipelineRun> MeasurePipeline(EmbeddedStack stack, int events, bool timeline, CancellationToken ct,
        Dictionary<string, string?>? settings = null)
    {
        SettleHeap();
        var configuration = stack.MonitorSettings("bench-api-key-not-used-0000");
        foreach (var (key, value) in settings ?? []) configuration[key] = value;
        await using var monitor = MonitorApp.Create(configuration, "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Warning));
        var status = monitor.Services.GetRequiredService<IngestStatus>();
        await monitor.StartAsync(ct);
        // From the first record taken, as the ceiling: group join and start-up are not throughput.
        while (status.FirstRecordTimestamp == 0) await Task.Delay(1, ct);
        var (allocatedBefore, pausedBefore, cpuBefore) = (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), ProcessCpu());
        var threads = timeline ? ThreadCpu.Probe.Start() : null;
        var started = status.FirstRecordTimestamp;
        // Steady state: from the point where 30% are committed, when the first loads are behind.
        (TimeSpan At, long Committed)? steady = null;
        var nextLine = TimeSpan.Zero;
        var gcs = timeline ? new GcWatch() : null;
        while (status.EventsCommitted < events)
        {
            await Task.Delay(5, ct);
            gcs?.Poll(Stopwatch.GetElapsedTime(started));
            if (timeline && Stopwatch.GetElapsedTime(started) >= nextLine)
            {
                nextLine += TimeSpan.FromMilliseconds(250);
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"t={Stopwatch.GetElapsedTime(started).TotalSeconds:F2}s committed={status.EventsCommitted} batches={status.BatchesCommitted} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} cpu={ProcessCpu().TotalSeconds:F2}s"));
            }
            if (steady is null && status.EventsCommitted >= events * 3L / 10) steady = (Stopwatch.GetElapsedTime(started), status.EventsCommitted);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuUsed = ProcessCpu() - cpuBefore;
        threads?.Write("pipeline", cpuUsed.TotalSeconds, events);
        var cpu = cpuUsed.TotalMicroseconds / events;
        var gc = new GcCost((GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)events, (GC.GetTotalPauseDuration() - pausedBefore) / elapsed);
        var rate = events / elapsed.TotalSeconds;
        double? steadyRate = steady!.Value.Committed < events ? (events - steady.Value.Committed) / (elapsed - steady.Value.At).TotalSeconds : null;
        await monitor.StopAsync(ct);
        return new PipelineRun(rate, steadyRate, status.ReviewsCommitted, status.ChangesPublished, status.AlertsPublished, gc, cpu);
    }

    private static void WriteAllocations(IReadOnlyDictionary<string, long> bytesByType, int events)
    {
        var total = Math.Max(1, bytesByType.Values.Sum());
        var table = new Table().AddColumn("type (pipeline, sampled)").AddColumn(new TableColumn("bytes per event").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (type, bytes) in bytesByType.OrderByDescending(kv => kv.Value).Take(20))
            table.AddRow(Markup.Escape(type), $"{bytes / (double)events:N1}", $"{bytes / (double)total:P1}");
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Writes a line for each collection that polls every few milliseconds find (the latest of each kind the
    /// runtime reports: two of one kind between polls show as one): its generation, pause and what it promoted.
    /// Promotion is what a collection copies, and so most of what it costs.
    /// </summary>
    private sealed class GcWatch
    {
        private static readonly GCKind[] Kinds = [GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background];
        private readonly long[] _seen = Kinds.Select(k => GC.GetGCMemoryInfo(k).Index).ToArray();
        private double _promotedMb;

        public void Poll(TimeSpan at)
        {
            for (var k = 0; k < Kinds.Length; k++)
            {
                var info = GC.GetGCMemoryInfo(Kinds[k]);
                if (info.Index <= _seen[k]) continue;
                _seen[k] = info.Index;
                _promotedMb += info.PromotedBytes / 1e6;
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"gc t={at.TotalSeconds:F2}s gen={info.Generation} kind={Kinds[k]} pause={info.PauseDurations[0].TotalMilliseconds:F1}+{info.PauseDurations[1].TotalMilliseconds:F1}ms promoted={info.PromotedBytes / 1e6:F1}MB total_promoted={_promotedMb:F0}MB heap={info.HeapSizeBytes / 1e6:F0}MB"));
            }
        }
    }

    /// <summary>Process-wide allocation per committed event and the share of the run spent in GC pauses.</summary>
    private sealed record GcCost(double BytesPerEvent, double PausedShare);

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>redis-server's own CPU seconds (user + system); null for a store that does not report them.</summary>
    internal static async Task<double?> RedisCpuSeconds(string redis)
    {
        var info = await Info(redis, "cpu");
        return info.TryGetValue("used_cpu_user", out var user) && info.TryGetValue("used_cpu_sys", out var sys)
            ? double.Parse(user, CultureInfo.InvariantCulture) + double.Parse(sys, CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>INFO's <c>used_memory</c>; null for a store that does not report it (Garnet).</summary>
    private static async Task<long?> UsedMemory(string redis) =>
        (await Info(redis, "memory")).TryGetValue("used_memory", out var used) ? long.Parse(used, CultureInfo.InvariantCulture) : null;

    private static async Task<Dictionary<string, string>> Info(string redis, string section)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis},allowAdmin=true");
        return (await connection.GetServers()[0].InfoAsync(section)).SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static async Task<(long Count, double MeanBytes)> StoredStateSizes(string redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var server = connection.GetServers()[0];
        var db = connection.GetDatabase();
        long count = 0, bytes = 0;
        await foreach (var key in server.KeysAsync(pattern: "stream:*:c:*", pageSize: 5000))
        {
            count++;
            if (count <= 20_000) bytes += await db.StringLengthAsync(key);
        }
        return (count, bytes / (double)Math.Max(1, Math.Min(count, 20_000)));
    }
}
