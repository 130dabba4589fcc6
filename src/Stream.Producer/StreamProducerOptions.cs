using Stream.Kafka;
using Stream.Core.Events;

namespace Stream.Producer;

public sealed record StreamProducerOptions
{
    public required string BootstrapServers { get; init; }
    public StreamTopics Topics { get; init; } = new();
    public EventLimits Limits { get; init; } = new();

    /// <summary>Extra librdkafka settings (security, client id, ...), applied last.</summary>
    public IReadOnlyDictionary<string, string> Kafka { get; init; } = new Dictionary<string, string>();
}
