using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Stream.Embedded;

/// <summary>A real redis-server on a free loopback port with a throwaway directory, stopped on dispose.</summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private readonly bool _ownsDirectory;

    /// <param name="executable">The server binary.</param>
    /// <param name="durable">Append-only file with fsync on every write, for tests that kill and restart the server.</param>
    /// <param name="port">A port to reuse (a restart); a free one when null.</param>
    /// <param name="directory">A data directory to reuse (a restart); a new temporary one when null.</param>
    /// <param name="arguments">More server arguments, such as <c>--cluster-enabled yes</c>.</param>
    public RedisServerProcess(string executable = "redis-server", bool durable = false, int? port = null, string? directory = null,
        IEnumerable<string>? arguments = null)
    {
        Port = port ?? FreePort.Next();
        _ownsDirectory = directory is null;
        _dir = directory ?? System.IO.Directory.CreateTempSubdirectory("stream-redis-").FullName;
        Directory = _dir;
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir, "--save", "" })
            start.ArgumentList.Add(arg);
        foreach (var arg in durable ? new[] { "--appendonly", "yes", "--appendfsync", "always" } : ["--appendonly", "no"])
            start.ArgumentList.Add(arg);
        foreach (var arg in arguments ?? []) start.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{executable} is not installed: apt-get install -y redis-server (the README's test command does this).", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilAnswering(TimeSpan.FromSeconds(10));
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>SIGKILL, as a crash would; the data directory stays for a restart.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
    }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Whether <paramref name="executable"/> can be found on PATH.</summary>
    public static bool IsInstalled(string executable = "redis-server") =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, executable)));

    private void WaitUntilAnswering(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", Port);
                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)) return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }
            if (DateTime.UtcNow > deadline || _process.HasExited)
                throw new InvalidOperationException($"redis-server on port {Port} did not answer within {timeout.TotalSeconds:F0} s");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        if (!_ownsDirectory) return;
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
