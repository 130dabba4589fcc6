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
    public static Dictionary<int, Sample> ByThread()
    {
        var threads = new Dictionary<int, Sample>();
        if (!Directory.Exists("/proc/self/task")) return threads;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var name = TrailingNumber().Replace(File.ReadAllText(Path.Combine(task, "comm")).Trim(), "");
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // Fields after the parenthesised name: utime and stime are the 12th and 13th, in clock ticks (100/s).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
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
    public static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        var stat = File.ReadAllText("/proc/self/stat");
        // minflt is the 10th field: the 8th after the parenthesised name, counting the state as the 1st.
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes each name's CPU between two readings: a thread alive at both counts its difference, one started in
    /// between all of its time. Threads that ended in between are one line: the rest of <paramref name="processSeconds"/>.
    /// </summary>
    public static void WriteDelta(string run, Dictionary<int, Sample> before, Dictionary<int, Sample> after, double processSeconds, long faults, int events)
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
