using System.Diagnostics;

namespace Stream.Cli.Commands;

/// <summary>Paces a sender to a steady number of items per second (0 = unlimited).</summary>
internal sealed class RateLimiter(double perSecond)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;

    public async ValueTask WaitTurnAsync(CancellationToken ct)
    {
        _sent++;
        if (perSecond <= 0) return;
        var due = TimeSpan.FromSeconds(_sent / perSecond);
        var ahead = due - _clock.Elapsed;
        if (ahead > TimeSpan.FromMilliseconds(20)) await Task.Delay(ahead, ct);
    }
}
