using System.Text;
using Confluent.Kafka;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Kafka;

/// <summary>
/// Publishes fired and resolved alerts to the alerts topic, keyed by customer id so one customer's alerts stay in
/// order. Delivered before the batch that raised them commits; after a crash an alert may be published again, with
/// the same <c>alertId</c> and content.
/// </summary>
public sealed class AlertPublisher(DeliveryTracker deliveries, string topic)
{
    public string Topic { get; } = topic;

    public void Publish(RaisedAlert alert) =>
        deliveries.Produce(Topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(alert.Event.CustomerId), Value = alert.Json });
}
