using System.Text.Json;
using System.Text.Json.Nodes;
using Stream.Core.Alerts;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Monitor.Api;

/// <summary>What the alert endpoints answer: open alerts as published (filtered), and one customer's episodes.</summary>
public static class AlertViews
{
    /// <summary>Open alerts whose rule, tier and severity match those given (null: any), newest first, at most <paramref name="limit"/>.</summary>
    public static object Open(IEnumerable<byte[]> alerts, string? rule, string? tier, string? severity, int limit)
    {
        var matching = alerts
            .Select(json => JsonNode.Parse(json)!.AsObject())
            .Where(a => rule is null || (string?)a["rule"]?["id"] == rule)
            .Where(a => tier is null || (string?)a["customer"]?["tier"] == tier)
            .Where(a => severity is null || (string?)a["severity"] == severity)
            .OrderByDescending(a => (string?)a["at"], StringComparer.Ordinal)
            .ThenBy(a => (string?)a["alertId"], StringComparer.Ordinal)
            .ToList();
        return new { total = matching.Count, alerts = matching.Take(limit).ToList() };
    }

    /// <summary>A customer's kept episodes (pending, firing, or resolved and cooling down), each with its alert id.</summary>
    public static object Customer(string customerId, CustomerState state) => new
    {
        customerId,
        alerts = state.Alerts.Episodes.Select(e => new
        {
            alertId = AlertLifecycle.AlertId(customerId, e.RuleId, e.StartedAtMs),
            rule = e.RuleId,
            state = e.Phase == AlertPhase.Cooling ? "resolved" : e.Phase.SnakeName(),
            startedAt = DateTimeOffset.FromUnixTimeMilliseconds(e.StartedAtMs),
            firedAt = e.FiredAtMs == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(e.FiredAtMs),
            resolvedAt = e.ResolvedAtMs == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(e.ResolvedAtMs),
        }).ToList(),
        nextCheckAt = state.Alerts.WakeAtMs == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(state.Alerts.WakeAtMs),
    };

    public static readonly IReadOnlySet<string> States = new HashSet<string>(StringComparer.Ordinal) { "firing" };
}
