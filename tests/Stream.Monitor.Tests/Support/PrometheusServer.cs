using System.Diagnostics;
using Stream.Embedded;

namespace Stream.Monitor.Tests.Support;

/// <summary>Debian's <c>prometheus</c> (installed by scripts/test.sh) scraping one target every second, with its own data folder.</summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _folder = Directory.CreateTempSubdirectory("stream-prometheus-").FullName;

    public PrometheusServer(string target)
    {
        Port = FreePort.Next();
        var config = Path.Combine(_folder, "prometheus.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: stream-monitor\n    static_configs:\n      - targets: [\"{target}\"]\n");
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_folder, "data")}", $"--web.listen-address=127.0.0.1:{Port}" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (scripts/test.sh installs it)");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Log) Log.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public List<string> Log { get; } = [];

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
