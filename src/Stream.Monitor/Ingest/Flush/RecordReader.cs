using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Stream.Core.Events;
using Stream.Kafka;
using Stream.Monitor.Configuration;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The read-and-validate stage: parses each taken record against its topic's contract, in arrival order. Invalid
/// records go to the dead-letter topic with their reason; valid ones move the watermarks and are applied at once
/// when their customer is loaded, which after the load by key is every valid event's. Any other waits for its
/// customer to load; a customer's events either all apply here or all wait, so each customer's stay in order.
/// </summary>
internal sealed class RecordReader(IOptions<IngestOptions> options, IOptions<KafkaOptions> kafka, DeadLetterPublisher deadLetters, StateApplier applier)
{
    private readonly EventReader _reader = new(options.Value.Limits);
    private readonly StreamTopics _topics = kafka.Value.Topics;

    /// <param name="wallNow">The flush's clock, which the watermarks take as the arrival time (a record waits at most
    /// its batch's delay and the previous flush).</param>
    /// <param name="review">The batch's review, which applying an event involves (null: none, as in a test of this stage alone).</param>
    public ReadBatch Read(KeyedBatch batch, DateTimeOffset wallNow, BatchReview? review)
    {
        var (owner, records, next, counts) = batch.Taken;
        counts.ExpectEvents(records.Count);
        var waiting = new List<WaitingEvent>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var kind = _topics.KindOf(record.Topic)!.Value;
            var recordTime = record.Timestamp.Type == TimestampType.NotAvailable ? wallNow : new DateTimeOffset(record.Timestamp.UtcDateTime);
            var byKey = batch.EntryByKey[i];
            var result = record.ReadFacts(_reader, kind, recordTime, byKey?.CustomerId);
            if (!result.IsValid)
            {
                deadLetters.Publish(record, result.Reason, result.Detail);
                counts.CountRejected(kind, result.Reason);
                continue;
            }
            var ev = result.Facts;
            if (owner.ObserveEventTime(record.Topic, ev.OccurredAt, wallNow)) counts.CountLate(kind);
            // A valid event's customerId is its key, so the entry found by key is normally its customer's.
            var entry = byKey is not null && ReferenceEquals(byKey.CustomerId, ev.CustomerId) ? byKey : owner.Customers.Entry(ev.CustomerId);
            var recordAtMs = recordTime.ToUnixTimeMilliseconds();
            if (entry.State is not null) applier.Apply(owner, counts, entry, ev, recordAtMs, review);
            else waiting.Add(new WaitingEvent(entry, ev, recordAtMs));
        }
        owner.AdvanceClock(wallNow);
        return new ReadBatch(owner, next, counts, waiting, review);
    }
}
