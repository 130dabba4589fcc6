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

    /// <summary>Extra librdkafka settings (security.protocol, sasl.*, ...). Values are never logged.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public Producer.StreamTopics Topics => new()
    {
        Interactions = InteractionsTopic,
        Transactions = TransactionsTopic,
        Profiles = ProfilesTopic,
        DeadLetter = DeadLetterTopic,
        Changes = ChangesTopic,
    };
}
