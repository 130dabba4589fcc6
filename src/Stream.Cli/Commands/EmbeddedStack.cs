using Stream.Embedded;
using Stream.Kafka;
using Stream.Producer;

namespace Stream.Cli.Commands;

/// <summary>
/// The brokerless stack the demo and benchmarks run on: the librdkafka mock cluster with Stream's topics,
/// and a Redis-protocol store: the given server, a local redis-server, or in-process Garnet.
/// </summary>
internal sealed class EmbeddedStack : IDisposable
{
    private readonly IDisposable? _store;

    public EmbeddedStack(int partitions, string? redis, bool preferRedisServer)
    {
        Kafka = new MockKafkaCluster();
        foreach (var topic in Topics.Inputs) Kafka.CreateTopic(topic, partitions);
        Kafka.CreateTopic(Topics.DeadLetter, 1);
        Kafka.CreateTopic(Topics.Changes, 1);
        Kafka.CreateTopic(Topics.Alerts, 1);
        Partitions = partitions;
        if (redis is not null)
        {
            Redis = redis;
            StoreName = $"Redis at {redis}";
        }
        else if (preferRedisServer && RedisServerProcess.IsInstalled())
        {
            var server = new RedisServerProcess();
            _store = server;
            Redis = server.ConnectionString;
            StoreName = $"redis-server on {Redis}";
        }
        else
        {
            var garnet = new EmbeddedGarnet();
            _store = garnet;
            Redis = garnet.ConnectionString;
            StoreName = $"embedded Garnet on {Redis}";
        }
    }

    public MockKafkaCluster Kafka { get; }
    public StreamTopics Topics { get; } = new();
    public int Partitions { get; }
    public string Redis { get; }
    public string StoreName { get; }

    public Dictionary<string, string?> MonitorSettings(string apiKey) => new()
    {
        ["Stream:Kafka:BootstrapServers"] = Kafka.BootstrapServers,
        ["Stream:Redis:Configuration"] = Redis,
        ["Stream:Api:Key"] = apiKey,
        // The console belongs to the demo's own output; the monitor speaks only about problems.
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    public void Dispose()
    {
        _store?.Dispose();
        Kafka.Dispose();
    }
}
