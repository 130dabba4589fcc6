using StackExchange.Redis;
using Stream.Core.State;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The encode stage: turns a reviewed batch into its Redis write (<see cref="PartitionWriteEncoder"/>): the states
/// of the customers it changed, the offsets it reaches, the watermarks, the moved timers, the open alerts and the alerts for webhooks, fenced on the
/// partition's epoch and on the progress the previous write left.
/// </summary>
internal sealed class BatchEncoder(PartitionWriteEncoder encoder)
{
    public EncodedBatch Encode(ReviewedBatch batch)
    {
        var owner = batch.Owner;
        var changed = owner.Customers.Changed;
        var states = new (RedisKey, CustomerState)[changed.Count];
        for (var i = 0; i < states.Length; i++) states[i] = (changed[i].StoreKey(encoder.Keys, owner.Number), changed[i].State!);
        var expected = owner.Encoded(batch.Next);
        var alerts = batch.Alerts.Count == 0 ? null
            : batch.Alerts.Select(a => (a.Event.AlertId, a.Event.Rule.Id, a.Event.Transition == Core.Alerts.AlertTransition.Fired ? Alerts.AlertEventWriter.Summary(a.Event) : null)).ToList();
        List<WebhookEntry>? webhooks = null;
        foreach (var alert in batch.Alerts)
        {
            if (alert.Event.Rule.Webhook is { } endpoint) (webhooks ??= []).Add(new WebhookEntry(endpoint, alert.Event.AlertId, alert.Json));
        }
        var write = encoder.Encode(owner.Number, owner.Epoch, expected, states, batch.Next, owner.WatermarksMs, batch.TimerUpdates, alerts, webhooks,
            owner.TakeOpenAlertsRecount());
        owner.Customers.ClearChanged();
        return new EncodedBatch(owner, batch.Next, batch.Counts, write);
    }
}
