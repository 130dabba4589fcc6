using StackExchange.Redis;
using Stream.Embedded;

namespace Stream.Monitor.Tests.Support;

/// <summary>A real redis-server for one test, with a connection for the test's own reads.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly RedisServerProcess _server = new();

    public RedisServer() => Connection = ConnectionMultiplexer.Connect($"{ConnectionString},allowAdmin=true");

    public string ConnectionString => _server.ConnectionString;

    public ConnectionMultiplexer Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        _server.Dispose();
    }
}
