using System.Diagnostics;

namespace Stream.Monitor.Tests.Support;

/// <summary>The monitor as a child process, so a test can SIGKILL it like a crash would.</summary>
public sealed class MonitorProcess : IDisposable
{
    private readonly Process _process;

    public MonitorProcess(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Stream.Monitor.dll"));
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start) ?? throw new InvalidOperationException("monitor did not start");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public List<string> Output { get; } = [];

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no flush, no revocation, no goodbye.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: the monitor flushes, leaves its group and exits, as on a deploy.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        if (!_process.WaitForExit(40_000)) Crash();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Crash();
        _process.Dispose();
    }
}
