using System.Text;
using Confluent.Kafka;
using Stream.Kafka;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Tests;

/// <summary>
/// A partition's input topics are handed to a flush merged by record timestamp, as far as that order is known, so
/// however the consumer interleaved them and however the batches fell, the events are applied in one order.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TimestampMergeTests
{
    private static readonly StreamTopics Topics = new();
    private static readonly DateTime T0 = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly RecordArena _arena = new();
    private readonly Dictionary<string, long> _offsets = [];

    // (topic, timestamp in ms after T0): interactions at 1, 4, 4, 9; transactions at 2, 4, 7; profiles at 3.
    private static readonly (string Topic, int Ms)[] Interactions = [(Topics.Interactions, 1), (Topics.Interactions, 4), (Topics.Interactions, 4), (Topics.Interactions, 9)];
    private static readonly (string Topic, int Ms)[] Transactions = [(Topics.Transactions, 2), (Topics.Transactions, 4), (Topics.Transactions, 7)];
    private static readonly (string Topic, int Ms)[] Profiles = [(Topics.Profiles, 3)];

    [Fact]
    public void Records_taken_topic_by_topic_come_out_in_timestamp_order_with_ties_to_the_earlier_topic()
    {
        var intake = Intake();
        foreach (var r in Transactions.Concat(Profiles).Concat(Interactions)) Take(intake, r);

        var batch = intake.DetachMerged(Owner(), Topics.Inputs, _ => long.MaxValue);

        Assert.Equal(["i1", "t2", "p3", "i4", "i4", "t4", "t7", "i9"], Names(batch.Records));
        Assert.Equal(8, batch.Counts.Records);
        Assert.Equal(0, intake.Records);
    }

    [Fact]
    public void The_merge_stops_where_a_topic_Kafka_holds_more_of_has_nothing_taken_and_the_rest_waits_for_the_next_batch()
    {
        var intake = Intake();
        // Transactions' last two and the profile have not been taken yet, and Kafka holds more of those topics.
        foreach (var r in Interactions.Concat(Transactions.Take(1))) Take(intake, r);
        var first = intake.DetachMerged(Owner(), Topics.Inputs, topic => topic == Topics.Interactions ? long.MaxValue : long.MinValue);
        // The profile topic has records in Kafka and none taken: nothing can go before its next one.
        Assert.Empty(first.Records);
        Assert.Equal(5, intake.Records);

        Take(intake, Profiles[0]);
        var second = intake.DetachMerged(Owner(), Topics.Inputs, topic => topic != Topics.Transactions ? long.MaxValue : long.MinValue);
        // Transactions ran out after t2, and its next record may be earlier than anything left.
        Assert.Equal(["i1", "t2"], Names(second.Records));
        Assert.Equal((1L, 1L, 0L), (second.Next[Topics.Interactions], second.Next[Topics.Transactions], second.Next[Topics.Profiles]));

        foreach (var r in Transactions.Skip(1)) Take(intake, r);
        var third = intake.DetachMerged(Owner(), Topics.Inputs, _ => long.MaxValue);
        Assert.Equal(["p3", "i4", "i4", "t4", "t7", "i9"], Names(third.Records));
        Assert.Equal((4L, 3L, 1L), (third.Next[Topics.Interactions], third.Next[Topics.Transactions], third.Next[Topics.Profiles]));
    }

    [Fact]
    public void Records_go_ahead_of_topics_at_their_known_end_only_up_to_the_time_those_allow_and_the_rest_waits()
    {
        var intake = Intake();
        foreach (var r in Interactions) Take(intake, r);
        // Transactions and profiles are at their known ends, but one of theirs produced before 4 ms may still come.
        var limit = new DateTimeOffset(T0).ToUnixTimeMilliseconds() + 4;

        var first = intake.DetachMerged(Owner(), Topics.Inputs, topic => topic == Topics.Interactions ? long.MaxValue : limit);

        Assert.Equal(["i1", "i4", "i4"], Names(first.Records));
        Assert.Equal(1, intake.Records);
        // Later the wait is over for i9 (or the other topics carry later records): it goes.
        var second = intake.DetachMerged(Owner(), Topics.Inputs, _ => long.MaxValue);
        Assert.Equal(["i9"], Names(second.Records));
    }

    [Fact]
    public void Kept_records_moved_into_fresh_chunks_read_the_same()
    {
        var intake = Intake();
        foreach (var r in Interactions) Take(intake, r);
        intake.DetachMerged(Owner(), Topics.Inputs, topic => topic == Topics.Interactions ? long.MaxValue : long.MinValue);
        _arena.Seal();
        intake.MoveKept(_arena);
        _arena.ReleaseOldest();
        // The old chunks are written again.
        foreach (var r in Transactions) Take(intake, r);

        var batch = intake.DetachMerged(Owner(), Topics.Inputs, _ => long.MaxValue);

        Assert.Equal(["i1", "t2", "i4", "i4", "t4", "t7", "i9"], Names(batch.Records));
        Assert.Equal(Names(batch.Records), batch.Records.Select(r => Encoding.UTF8.GetString(r.Value.Span)));
    }

    private static BatchIntake Intake() => new(new Dictionary<string, long>());

    private static OwnedPartition Owner() =>
        new(new PartitionClaim(0, 1, new Dictionary<string, long>(), new Dictionary<string, long>()), new IngestOptions(), DateTimeOffset.UnixEpoch);

    private void Take(BatchIntake intake, (string Topic, int Ms) r)
    {
        var offset = _offsets.TryGetValue(r.Topic, out var o) ? o : 0;
        _offsets[r.Topic] = offset + 1;
        var bytes = _arena.Deserialize(Encoding.UTF8.GetBytes(Name(r.Topic, r.Ms)), isNull: false, default);
        Assert.True(intake.Take(new ConsumedRecord(r.Topic, 0, offset, new Timestamp(T0.AddMilliseconds(r.Ms)), default, bytes, null)));
    }

    private static string Name(string topic, int ms) => $"{topic[topic.IndexOf('.') + 1]}{ms}";

    private static string[] Names(IEnumerable<ConsumedRecord> records) => [.. records.Select(r => Name(r.Topic, (int)(r.Timestamp.UtcDateTime - T0).TotalMilliseconds))];
}
