using Stream.Monitor.Storage;

namespace Stream.Monitor.Tests;

[Trait("Category", "Unit")]
public sealed class EncodeChunksTests
{
    [Fact]
    public void Returned_chunks_are_rented_again_and_only_up_to_the_kept_number()
    {
        var chunks = new EncodeChunks(keep: 2);
        var rented = Enumerable.Range(0, 3).Select(_ => chunks.Rent()).ToList();
        Assert.Equal(3, rented.Distinct().Count());
        Assert.All(rented, c => Assert.Equal(EncodeChunks.ChunkSize, c.Length));

        chunks.Return(rented);

        // Two kept, the third left to the GC: renting three again reuses two and makes one.
        Assert.Equal(2, chunks.Free);
        var again = Enumerable.Range(0, 3).Select(_ => chunks.Rent()).ToList();
        Assert.Equal(2, again.Count(rented.Contains));
        Assert.Equal(0, chunks.Free);
    }
}
