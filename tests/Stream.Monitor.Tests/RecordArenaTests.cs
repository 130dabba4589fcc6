using Confluent.Kafka;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Tests;

[Trait("Category", "Unit")]
public sealed class RecordArenaTests
{
    private static readonly SerializationContext Value = new(MessageComponentType.Value, "t");

    [Fact]
    public void Slices_keep_their_bytes_across_chunks_until_recycled_then_the_chunks_are_reused()
    {
        var arena = new RecordArena();
        var random = new Random(5);
        var payloads = Enumerable.Range(0, 20_000).Select(_ => RandomBytes(random, random.Next(0, 400))).ToList();

        var slices = payloads.Select(p => arena.Deserialize(p, isNull: false, Value)).ToList();

        Assert.True(slices.Select(s => s.Chunk).Distinct().Count() > 1, "the payloads should span several chunks");
        for (var i = 0; i < payloads.Count; i++) Assert.Equal(payloads[i], slices[i].Span.ToArray());
        var chunks = slices.Select(s => s.Chunk).Distinct().ToHashSet();

        arena.Recycle();
        var again = payloads.Select(p => arena.Deserialize(p, isNull: false, Value)).ToList();

        // Same amount of data again: written into the same chunks, no new ones.
        Assert.Subset(chunks, again.Select(s => s.Chunk).Distinct().ToHashSet());
        for (var i = 0; i < payloads.Count; i++) Assert.Equal(payloads[i], again[i].Span.ToArray());
    }

    [Fact]
    public void A_sealed_generation_keeps_its_bytes_while_later_records_are_written_and_an_older_one_is_reused()
    {
        var arena = new RecordArena();
        var random = new Random(9);
        List<byte[]> Payloads() => Enumerable.Range(0, 6_000).Select(_ => RandomBytes(random, random.Next(1, 400))).ToList();

        // Generation 1 is flushed (sealed); generation 2 is taken meanwhile and sealed for the next flush.
        var first = Payloads();
        var firstSlices = first.Select(p => arena.Deserialize(p, isNull: false, Value)).ToList();
        arena.Seal();
        var second = Payloads();
        var secondSlices = second.Select(p => arena.Deserialize(p, isNull: false, Value)).ToList();
        arena.Seal();

        // The first flush ends: its chunks take the third generation, which must not touch the second's bytes.
        arena.ReleaseOldest();
        var third = Payloads();
        var thirdSlices = third.Select(p => arena.Deserialize(p, isNull: false, Value)).ToList();

        Assert.Empty(secondSlices.Select(s => s.Chunk).Intersect(firstSlices.Select(s => s.Chunk)));
        Assert.NotEmpty(thirdSlices.Select(s => s.Chunk).Intersect(firstSlices.Select(s => s.Chunk)));
        for (var i = 0; i < second.Count; i++) Assert.Equal(second[i], secondSlices[i].Span.ToArray());
        for (var i = 0; i < third.Count; i++) Assert.Equal(third[i], thirdSlices[i].Span.ToArray());
    }

    [Fact]
    public void A_null_is_not_an_empty_record_and_a_large_record_gets_its_own_array()
    {
        var arena = new RecordArena();

        var none = arena.Deserialize(ReadOnlySpan<byte>.Empty, isNull: true, Value);
        var empty = arena.Deserialize(ReadOnlySpan<byte>.Empty, isNull: false, Value);
        var large = RandomBytes(new Random(1), RecordArena.ChunkSize / 4);
        var slice = arena.Deserialize(large, isNull: false, Value);

        Assert.True(none.IsNull);
        Assert.Null(none.ToArray());
        Assert.False(empty.IsNull);
        Assert.Empty(empty.ToArray()!);
        Assert.Equal(large.Length, slice.Chunk!.Length);
        Assert.Equal(large, slice.ToArray());
    }

    [Fact]
    public void Chunks_unused_for_a_whole_cycle_are_let_go()
    {
        var arena = new RecordArena();
        var record = new byte[1000];
        for (var i = 0; i < 5_000; i++) arena.Deserialize(record, isNull: false, Value);
        var peak = arena.Capacity;

        arena.Recycle();
        arena.Deserialize(record, isNull: false, Value);
        arena.Recycle();

        Assert.True(peak >= 5L * RecordArena.ChunkSize, $"5 MB of records should fill 5 chunks, held {peak}");
        Assert.Equal(RecordArena.ChunkSize, arena.Capacity);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
