using Microsoft.Extensions.Options;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest.Flush;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest;

internal static class IngestServiceExtensions
{
    /// <summary>The ingest path: the consumer loop, its partition ownership and batching, and the flush stages in order.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddSingleton<IngestStatus>();
        services.AddSingleton<IngestReporter>();
        services.AddSingleton(sp => new DeliveryTracker(sp.GetRequiredService<IKafkaClientFactory>().CreateProducer()));
        services.AddSingleton(sp =>
        {
            var kafka = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            return new DeadLetterPublisher(sp.GetRequiredService<DeliveryTracker>(), kafka.Topics.DeadLetter, kafka.DeadLetterMaxBytes);
        });
        services.AddSingleton(sp => new StatusChangePublisher(sp.GetRequiredService<DeliveryTracker>(),
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value.Topics.Changes));
        services.AddSingleton(sp => new AlertPublisher(sp.GetRequiredService<DeliveryTracker>(),
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value.Topics.Alerts));
        services.AddSingleton(sp => new PartitionWriteEncoder(sp.GetRequiredService<RedisKeys>()));

        services.AddSingleton<CustomerLoader>();
        services.AddSingleton<StateApplier>();
        services.AddSingleton<RecordReader>();
        services.AddSingleton<ReviewTimers>();
        services.AddSingleton<CustomerReviewer>();
        services.AddSingleton<ChangePublisher>();
        services.AddSingleton<BatchEncoder>();
        services.AddSingleton<BatchCommitter>();
        services.AddSingleton<FlushPipeline>();

        services.AddSingleton<BatchPolicy>();
        services.AddSingleton<PartitionOwnership>();
        services.AddSingleton<IngestLoop>();
        services.AddSingleton<InputTopics>();
        services.AddHostedService<IngestWorker>();
        return services;
    }
}
