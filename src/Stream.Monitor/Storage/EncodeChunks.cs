using System.Collections.Concurrent;

namespace Stream.Monitor.Storage;

/// <summary>
/// Reused chunks that sealed batches encode customer states into, handed back once Redis has acknowledged
/// the write that carries them. States used to be one array each, alive until that acknowledgement: a flush
/// later, so young collections found tens of megabytes of them alive and copied them. Chunks are large
/// enough to live outside the young generation and are never copied. Thread-safe: partitions seal in parallel.
/// </summary>
public sealed class EncodeChunks(int keep = 256)
{
    /// <summary>128 KiB: above the large-object threshold, and a few hundred states each.</summary>
    public const int ChunkSize = 128 * 1024;

    private readonly ConcurrentStack<byte[]> _free = new();

    /// <summary>Chunks waiting to be reused.</summary>
    public int Free => _free.Count;

    /// <summary>A free chunk, or a new one that is not zeroed: callers hand out only what they wrote.</summary>
    public byte[] Rent() => _free.TryPop(out var chunk) ? chunk : GC.AllocateUninitializedArray<byte>(ChunkSize);

    /// <summary>
    /// Takes chunks back for reuse: call only once nothing will read them again (the write that sent them was
    /// acknowledged). Beyond <c>keep</c> free chunks, the rest are left to the GC.
    /// </summary>
    public void Return(IReadOnlyList<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            if (_free.Count >= keep) return;
            _free.Push(chunk);
        }
    }
}
