using System.Globalization;
using System.Text.RegularExpressions;

namespace Stream.Cli.Commands;

/// <summary>
/// CPU time of this process's threads, summed by thread name (numbers dropped, so "rdk:broker1" and
/// "rdk:broker2" add up), from Linux's /proc. Tells where a run's CPU went: the consumer and flush threads,
/// the thread pool, librdkafka and the mock broker, the GC, the JIT. Threads that ended in between are missed.
/// </summary>
internal static partial class ThreadCpu
{
    public static Dictionary<string, double> ByName()
    {
        var seconds = new Dictionary<string, double>();
        if (!Directory.Exists("/proc/self/task")) return seconds;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var name = TrailingNumber().Replace(File.ReadAllText(Path.Combine(task, "comm")).Trim(), "");
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // Fields after the parenthesised name: utime and stime are the 12th and 13th, in clock ticks (100/s).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                seconds[name] = seconds.GetValueOrDefault(name) + ticks / 100;
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }
        return seconds;
    }

    /// <summary>
    /// Minor page faults of this process so far (Linux; 0 elsewhere): each is a fresh page the kernel zeroes,
    /// which is what newly committed GC memory and new large arrays cost on first touch.
    /// </summary>
    public static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        var stat = File.ReadAllText("/proc/self/stat");
        // minflt is the 10th field, the 8th after the parenthesised name and the state.
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    /// <summary>Writes each name's CPU between two readings, and what threads that ended meanwhile used (the rest of <paramref name="processSeconds"/>).</summary>
    public static void WriteDelta(string run, Dictionary<string, double> before, Dictionary<string, double> after, double processSeconds, long faults, int events)
    {
        Console.Error.WriteLine(FormattableString.Invariant($"faults {run,-8} {faults} minor page faults, {faults / (events / 1000d):F1} per 1,000 events"));
        var listed = 0d;
        foreach (var (name, total) in after.OrderByDescending(kv => kv.Value - before.GetValueOrDefault(kv.Key)))
        {
            var used = total - before.GetValueOrDefault(name);
            listed += used;
            if (used >= 0.01) Write(run, name, used, events);
        }
        Write(run, "(threads that ended)", Math.Max(0, processSeconds - listed), events);
    }

    private static void Write(string run, string name, double seconds, int events) =>
        Console.Error.WriteLine(FormattableString.Invariant($"cpu {run,-8} {name,-20} {seconds,6:F2} s  {seconds * 1e6 / events,5:F2} µs/event"));

    [GeneratedRegex("[0-9]+$")]
    private static partial Regex TrailingNumber();
}
