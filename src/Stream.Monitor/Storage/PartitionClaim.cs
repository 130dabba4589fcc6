namespace Stream.Monitor.Storage;

/// <summary>
/// What a new owner of a partition number reads back: its fencing epoch, where to resume, and its open alerts counted
/// by rule (its first write sets the stored counts to these).
/// </summary>
public sealed record PartitionClaim(
    int Partition,
    long Epoch,
    IReadOnlyDictionary<string, long> NextOffsets,
    IReadOnlyDictionary<string, long> WatermarksMs,
    IReadOnlyDictionary<string, long>? OpenAlertsByRule = null);
