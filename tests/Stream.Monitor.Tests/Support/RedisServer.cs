using System.Diagnostics;
using StackExchange.Redis;
using Stream.Embedded;

namespace Stream.Monitor.Tests.Support;

/// <summary>A real redis-server on a free loopback port with a throwaway directory, stopped on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    public RedisServer()
    {
        Port = FreePort.Next();
        _dir = Directory.CreateTempSubdirectory("stream-redis-").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir, "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: run the README's test command, which installs it (apt-get install redis-server).", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = ConnectionMultiplexer.Connect($"{ConnectionString},connectTimeout=500");
                probe.GetDatabase().Ping();
                break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
        Connection = ConnectionMultiplexer.Connect($"{ConnectionString},allowAdmin=true");
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>A connection for the test's own reads.</summary>
    public ConnectionMultiplexer Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
