namespace Stream.Monitor.Tests.Support;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) => Until(condition, timeout, what, null);

    /// <summary>As above; a timeout also says what <paramref name="describe"/> finds then, so a rare failure explains itself.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>>? describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}{(describe is null ? "" : "; " + await describe())}");
            await Task.Delay(100);
        }
    }
}
