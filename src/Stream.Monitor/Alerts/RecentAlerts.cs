using System.Collections.Concurrent;
using Stream.Core.Alerts;
using Stream.Core.Text;

namespace Stream.Monitor.Alerts;

/// <summary>
/// What this instance has published lately, for the demo's live view: alerts fired and resolved per rule since
/// start, and the last few fired. Holds alert ids, rules and tiers, never customers.
/// </summary>
public sealed class RecentAlerts
{
    public const int Kept = 5;

    private readonly ConcurrentDictionary<(string Rule, AlertTransition Transition), long> _counts = new();
    private readonly Queue<Fired> _latest = new();

    /// <summary>One fired alert as the live view shows it.</summary>
    public sealed record Fired(string AlertId, string Rule, AlertSeverity Severity, string? Tier, DateTimeOffset At);

    public void Record(IReadOnlyList<RaisedAlert> alerts)
    {
        foreach (var a in alerts)
        {
            var e = a.Event;
            _counts.AddOrUpdate((e.Rule.Id, e.Transition), 1, (_, n) => n + 1);
            if (e.Transition != AlertTransition.Fired) continue;
            lock (_latest)
            {
                _latest.Enqueue(new Fired(e.AlertId, e.Rule.Id, e.Rule.Severity, e.Status.Tier?.SnakeName(), DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs)));
                while (_latest.Count > Kept) _latest.Dequeue();
            }
        }
    }

    /// <summary>Alerts per rule since start: fired, resolved.</summary>
    public IReadOnlyList<(string Rule, long Fired, long Resolved)> ByRule() =>
        [.. _counts.Keys.Select(k => k.Rule).Distinct().Order(StringComparer.Ordinal)
            .Select(r => (r, _counts.GetValueOrDefault((r, AlertTransition.Fired)), _counts.GetValueOrDefault((r, AlertTransition.Resolved))))];

    /// <summary>The last alerts fired, newest first.</summary>
    public IReadOnlyList<Fired> Latest()
    {
        lock (_latest) return [.. _latest.Reverse()];
    }
}
