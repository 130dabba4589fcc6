namespace Stream.Monitor.Storage;

public enum CommitOutcome
{
    Committed,

    /// <summary>Another owner claimed the partition; nothing was written.</summary>
    Fenced,

    /// <summary>Redis does not hold the progress this batch builds on (an earlier write was lost); nothing was written.</summary>
    OutOfSequence,
}
