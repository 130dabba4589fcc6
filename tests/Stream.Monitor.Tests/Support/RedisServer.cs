using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using Stream.Embedded;

namespace Stream.Monitor.Tests.Support;

/// <summary>
/// A real redis-server for one test, or a local Redis Cluster of three masters (<c>redis-server --cluster-enabled
/// yes</c> nodes joined by <c>redis-cli --cluster create</c>), with a connection for the test's own reads.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly RedisServerProcess[] _servers;

    public RedisServer(bool cluster = false)
    {
        if (!cluster)
        {
            _servers = [new RedisServerProcess()];
        }
        else
        {
            // The cluster bus port is set explicitly: the default (port + 10000) may be past 65535 for an ephemeral port.
            _servers = Enumerable.Range(0, 3).Select(_ => StartNode()).ToArray();
            CreateCluster();
        }
        ConnectionString = string.Join(",", _servers.Select(s => s.ConnectionString));
        Connection = ConnectionMultiplexer.Connect($"{ConnectionString},allowAdmin=true");
    }

    /// <summary>
    /// A cluster node on two ports that were free a moment ago; another process may take one first (seen once in CI:
    /// the node exited at start), so a node that does not come up is started again on fresh ports.
    /// </summary>
    private static RedisServerProcess StartNode()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new RedisServerProcess(arguments:
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                    "--cluster-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ]);
            }
            catch (Exception ex) when (attempt < 3 && ex is System.Net.Sockets.SocketException or InvalidOperationException)
            {
            }
        }
    }

    public bool IsCluster => _servers.Length > 1;

    public string ConnectionString { get; }

    public ConnectionMultiplexer Connection { get; }

    private void CreateCluster()
    {
        RedisCli(["--cluster", "create", .. _servers.Select(s => s.ConnectionString), "--cluster-replicas", "0", "--cluster-yes"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var server in _servers)
        {
            while (!RedisCli(["-p", server.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the Redis Cluster node on {server.Port} did not reach cluster_state:ok");
                Thread.Sleep(100);
            }
        }
    }

    private static string RedisCli(string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    public void Dispose()
    {
        Connection.Dispose();
        foreach (var s in _servers) s.Dispose();
    }
}
