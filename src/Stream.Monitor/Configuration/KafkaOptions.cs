using Stream.Kafka;
using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Kafka</c>.</summary>
public sealed class KafkaOptions
{
    public const string Section = "Stream:Kafka";

    [Required(ErrorMessage = "Stream:Kafka:BootstrapServers is required (host:port[,host:port]), e.g. set Stream__Kafka__BootstrapServers.")]
    public string BootstrapServers { get; set; } = "";

    [Required]
    public string GroupId { get; set; } = "stream-monitor";

    [Required] public string InteractionsTopic { get; set; } = "customer.interactions";
    [Required] public string TransactionsTopic { get; set; } = "customer.transactions";
    [Required] public string ProfilesTopic { get; set; } = "customer.profiles";
    [Required] public string DeadLetterTopic { get; set; } = "customer.events.dlq";
    [Required] public string ChangesTopic { get; set; } = "customer.changes";
    [Required] public string AlertsTopic { get; set; } = "customer.alerts";

    /// <summary>
    /// This instance's static group membership (<c>group.instance.id</c>): restarted with the same id, it takes
    /// its partitions back at once instead of waiting for its old session to time out and a rebalance. Unset,
    /// it is the host name and the HTTP port (two instances on one host listen on different ports); <c>none</c>,
    /// or no fixed port, means dynamic membership. Two running instances must never share an id.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// The largest dead letter sent whole; a larger rejected record goes as a truncated copy with its original size
    /// and SHA-256. Keep it under the dead-letter topic's <c>max.message.bytes</c> and the producer's <c>message.max.bytes</c> (1,000,000).
    /// </summary>
    [Range(16 * 1024, 100 * 1024 * 1024, ErrorMessage = "Stream:Kafka:DeadLetterMaxBytes must be between 16384 and 104857600.")]
    public int DeadLetterMaxBytes { get; set; } = 900_000;

    /// <summary>Extra librdkafka settings (security.protocol, sasl.*, ...). Values are never logged.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public StreamTopics Topics => new()
    {
        Interactions = InteractionsTopic,
        Transactions = TransactionsTopic,
        Profiles = ProfilesTopic,
        DeadLetter = DeadLetterTopic,
        Changes = ChangesTopic,
        Alerts = AlertsTopic,
    };
}
