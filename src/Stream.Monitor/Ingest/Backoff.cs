namespace Stream.Monitor.Ingest;

/// <summary>The wait after a failure, of the whole loop or of one partition's claim: 200 ms, doubling up to 10 s.</summary>
internal static class Backoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Last = TimeSpan.FromSeconds(10);

    /// <summary>The wait after <paramref name="previous"/> (zero: none yet).</summary>
    public static TimeSpan After(TimeSpan previous) =>
        previous <= TimeSpan.Zero ? First : TimeSpan.FromTicks(Math.Min(previous.Ticks * 2, Last.Ticks));
}
