using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Waits until every input topic exists, and checks that they have one partition count: unequal counts would split
/// a customer's events across owners, so they stop the monitor.
/// </summary>
public sealed class InputTopics(IKafkaClientFactory kafka, IOptions<KafkaOptions> options, IngestStatus status, ILogger<InputTopics> logger)
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    /// <summary>The input topics' common partition count, or null when stopping first.</summary>
    public int? WaitForPartitionCount(CancellationToken ct)
    {
        var topics = options.Value.Topics.Inputs;
        using var admin = kafka.CreateAdmin();
        while (!ct.IsCancellationRequested)
        {
            var counts = new Dictionary<string, int>();
            foreach (var topic in topics)
            {
                try
                {
                    var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.SingleOrDefault(t => t.Topic == topic);
                    if (meta is { Error.IsError: false } && meta.Partitions.Count > 0) counts[topic] = meta.Partitions.Count;
                }
                catch (KafkaException ex)
                {
                    logger.LogWarning("Metadata for {Topic} unavailable: {Reason}", topic, ex.Error.Reason);
                }
            }
            if (counts.Count == topics.Count)
            {
                if (counts.Values.Distinct().Count() == 1) return counts.Values.First();
                var message = "Input topics must have equal partition counts so that a customer's events meet in one owner: "
                    + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));
                status.RecordFatal(message);
                throw new InvalidOperationException(message);
            }
            logger.LogWarning("Waiting for topics {Missing}", string.Join(", ", topics.Except(counts.Keys)));
            ct.WaitHandle.WaitOne(Retry);
        }
        return null;
    }
}
