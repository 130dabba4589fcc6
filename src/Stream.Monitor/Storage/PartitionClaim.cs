namespace Stream.Monitor.Storage;

/// <summary>What a new owner of a partition number reads back: its fencing epoch and where to resume.</summary>
public sealed record PartitionClaim(
    int Partition,
    long Epoch,
    IReadOnlyDictionary<string, long> NextOffsets,
    IReadOnlyDictionary<string, long> WatermarksMs);
