using Stream.Core.Scoring;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The publish stage: sends a batch's status changes to the changes topic, and closes each flush's deliveries (its
/// dead letters and changes) into one task that the flush's writes wait for.
/// </summary>
internal sealed class ChangePublisher(StatusChangePublisher changes, DeliveryTracker deliveries)
{
    /// <summary>Publishes one partition's changes; partitions may publish in parallel (each customer's stay in order).</summary>
    public void Publish(ReviewedBatch batch)
    {
        foreach (var change in batch.Changes) changes.Publish(change);
    }

    /// <summary>Completes once everything the flush published so far is acknowledged; faults on the first failure.</summary>
    public Task Delivered() => deliveries.DeliveredAsync();
}
