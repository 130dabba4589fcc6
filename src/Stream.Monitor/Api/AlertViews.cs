using System.Text.Json;
using System.Text.Json.Nodes;
using Stream.Core.Alerts;
using Stream.Core.State;
using Stream.Core.Text;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Api;

/// <summary>What the alert endpoints answer: open alerts as published (filtered), and one customer's episodes.</summary>
public static class AlertViews
{
    /// <summary>
    /// Open alerts whose rule, tier and severity match those given (null: any), newest first, at most
    /// <paramref name="limit"/>: each as kept in Redis (<see cref="Alerts.AlertEventWriter.Summary"/>), with the rule's
    /// description and the suggested action for the customer's tier from the rules in force.
    /// </summary>
    public static object Open(IEnumerable<byte[]> alerts, AlertRuleSet rules, string? rule, string? tier, string? severity, int limit)
    {
        var byId = rules.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var matching = alerts
            .Select(json => JsonNode.Parse(json)!.AsObject())
            .Where(a => rule is null || (string?)a["rule"]?["id"] == rule)
            .Where(a => tier is null || (string?)a["customer"]?["tier"] == tier)
            .Where(a => severity is null || (string?)a["severity"] == severity)
            .OrderByDescending(a => (string?)a["at"], StringComparer.Ordinal)
            .ThenBy(a => (string?)a["alertId"], StringComparer.Ordinal)
            .ToList();
        var page = matching.Take(limit).ToList();
        foreach (var a in page)
        {
            if (!byId.TryGetValue((string?)a["rule"]?["id"] ?? "", out var r)) continue;
            if (r.Description is { } description) a["rule"]!["description"] = description;
            var customerTier = SnakeNames<Core.Analytics.ValueTier>.ByName.TryGetValue((string?)a["customer"]?["tier"] ?? "", out var t) ? t : (Core.Analytics.ValueTier?)null;
            a["suggestedAction"] = r.ActionFor(customerTier);
        }
        return new { total = matching.Count, alerts = page };
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
