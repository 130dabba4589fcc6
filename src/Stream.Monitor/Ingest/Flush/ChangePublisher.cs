using Stream.Core.Scoring;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The publish stage: sends a batch's status changes to the changes topic and its alerts to the alerts topic, and closes
/// each flush's deliveries (its dead letters, changes and alerts) into one task that the flush's writes wait for.
/// </summary>
internal sealed class ChangePublisher(StatusChangePublisher changes, AlertPublisher alerts, DeliveryTracker deliveries)
{
    /// <summary>Publishes one partition's changes and alerts; partitions may publish in parallel (each customer's stay in order).</summary>
    public void Publish(ReviewedBatch batch)
    {
        foreach (var change in batch.Changes) changes.Publish(change);
        foreach (var alert in batch.Alerts) alerts.Publish(alert);
    }

    /// <summary>Completes once everything the flush published so far is acknowledged; faults on the first failure.</summary>
    public Task Delivered() => deliveries.DeliveredAsync();
}
