using System.Globalization;
using System.Text.RegularExpressions;

namespace Stream.Cli.Commands;

/// <summary>
/// CPU time of this process's threads by thread id, reported summed by thread name (numbers dropped, so
/// "rdk:broker1" and "rdk:broker2" add up), from Linux's /proc. Tells where a run's CPU went: the consumer and
/// flush threads, the thread pool, librdkafka and the mock broker, the GC, the JIT.
/// </summary>
internal static partial class ThreadCpu
{
    /// <summary>A thread's name (trailing number dropped) and CPU seconds so far.</summary>
    public readonly record struct Sample(string Name, double Seconds);

    /// <summary>Every live thread's name and CPU so far, by thread id; empty where /proc is missing.</summary>
    private static Dictionary<int, Sample> ByThread()
    {
        var threads = new Dictionary<int, Sample>();
        if (!Directory.Exists("/proc/self/task")) return threads;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var name = TrailingNumber().Replace(File.ReadAllText(Path.Combine(task, "comm")).Trim(), "");
                // utime and stime, in clock ticks (100/s).
                var fields = StatFields(Path.Combine(task, "stat"));
                var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = new Sample(name, ticks / 100);
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }
        return threads;
    }

    /// <summary>
    /// Minor page faults of this process so far (Linux; 0 elsewhere): each is a fresh page the kernel zeroes,
    /// which is what newly committed GC memory and new large arrays cost on first touch.
    /// </summary>
    private static long MinorFaults() =>
        File.Exists("/proc/self/stat") ? long.Parse(StatFields("/proc/self/stat")[7], CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// The fields of a /proc <c>stat</c> file after the parenthesised name (which may hold spaces), the state
    /// first: field k of proc(5) is at index k − 3, so minflt (10) is at 7, utime (14) at 11, stime (15) at 12.
    /// </summary>
    private static string[] StatFields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>What a run's per-thread report starts from: every thread's CPU and the process's minor faults.</summary>
    public sealed record Probe(Dictionary<int, Sample> Threads, long Faults)
    {
        public static Probe Start() => new(ByThread(), MinorFaults());

        /// <summary>Writes the faults and CPU by thread name since <see cref="Start"/> (see <see cref="WriteDelta"/>).</summary>
        public void Write(string run, double processSeconds, int events) =>
            WriteDelta(run, Threads, ByThread(), processSeconds, MinorFaults() - Faults, events);
    }

    /// <summary>
    /// Writes each name's CPU between two readings: a thread alive at both counts its difference, one started in
    /// between all of its time. Threads that ended in between are one line: the rest of <paramref name="processSeconds"/>.
    /// </summary>
    private static void WriteDelta(string run, Dictionary<int, Sample> before, Dictionary<int, Sample> after, double processSeconds, long faults, int events)
    {
        Console.Error.WriteLine(FormattableString.Invariant($"faults {run,-8} {faults} minor page faults, {faults / (events / 1000d):F1} per 1,000 events"));
        var byName = new Dictionary<string, double>();
        foreach (var (id, now) in after)
        {
            var used = before.TryGetValue(id, out var then) ? now.Seconds - then.Seconds : now.Seconds;
            byName[now.Name] = byName.GetValueOrDefault(now.Name) + used;
        }
        foreach (var (name, used) in byName.OrderByDescending(kv => kv.Value))
        {
            if (used >= 0.01) Write(run, name, used, events);
        }
        Write(run, "(threads that ended)", Math.Max(0, processSeconds - byName.Values.Sum()), events);
    }

    private static void Write(string run, string name, double seconds, int events) =>
        Console.Error.WriteLine(FormattableString.Invariant($"cpu {run,-8} {name,-20} {seconds,6:F2} s  {seconds * 1e6 / events,5:F2} µs/event"));

    [GeneratedRegex("[0-9]+$")]
    private static partial Regex TrailingNumber();
}
