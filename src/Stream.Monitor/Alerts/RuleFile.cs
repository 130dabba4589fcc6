using System.Globalization;
using System.Text.RegularExpressions;
using Stream.Core.Alerts;
using Stream.Core.State;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Stream.Monitor.Alerts;

/// <summary>A rule file that does not validate: every problem found, each naming its rule and field.</summary>
public sealed class RuleFileException(IReadOnlyList<string> errors)
    : Exception("invalid alert rules: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads and validates an alert rule file (YAML; see <c>deploy/alerts/rules.yaml</c>). Names in the file are
/// snake_case: metrics (<c>engagement_ratio</c>), event types as on the wire (<c>complaint</c>), tiers, segments
/// (<c>cant_lose</c>), stages and customer types. Durations are a number and a unit: <c>90s</c>, <c>15m</c>,
/// <c>12h</c>, <c>7d</c>, <c>2w</c>.
/// </summary>
public static partial class RuleFile
{
    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <param name="webhookEndpoints">The webhook endpoints configured: a rule naming another is an error. Null: not checked.</param>
    public static AlertRuleSet Parse(string yaml, IReadOnlyCollection<string>? webhookEndpoints = null)
    {
        RuleFileModel? model;
        try
        {
            model = Reader.Deserialize<RuleFileModel?>(yaml);
        }
        catch (YamlException ex)
        {
            var reason = ex.InnerException is { } i and not YamlException ? i.Message : ex.Message;
            throw new RuleFileException([$"{Locate(yaml, (int)ex.Start.Line)}(line {ex.Start.Line}, column {ex.Start.Column}): {reason}"]);
        }
        var errors = new List<string>();
        var rules = new List<AlertRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (model?.Rules is not { Count: > 0 }) errors.Add("rules: at least one rule is needed");
        foreach (var (r, index) in (model?.Rules ?? []).Select((r, i) => (r, i)))
        {
            var name = r.Id is { Length: > 0 } id ? $"rule '{id}'" : $"rule #{index + 1}";
            var problems = new Problems(name, errors);
            if (r.Id is not { Length: > 0 }) problems.Add("id", "is required");
            else if (!IdPattern().IsMatch(r.Id)) problems.Add("id", "must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit (it is a metric label and is kept in every customer's state)");
            else if (!ids.Add(r.Id)) problems.Add("id", "is used by another rule");
            var rule = Rule(r, problems);
            if (rule?.Webhook is { } webhook && webhookEndpoints is not null && !webhookEndpoints.Contains(webhook))
            {
                problems.Add("webhook", $"'{webhook}' is not an endpoint under Stream:Alerts:Webhooks:Endpoints " +
                    (webhookEndpoints.Count == 0 ? "(none is configured)" : $"({string.Join(", ", webhookEndpoints.Order(StringComparer.Ordinal))})"));
            }
            if (rule is not null && problems.None) rules.Add(rule);
        }
        var silences = (model?.Silences ?? []).Select((s, i) => Silence(s, new Problems($"silence #{i + 1}", errors), ids)).OfType<AlertSilence>().ToList();
        var inhibitions = (model?.Inhibitions ?? []).Select((h, i) => Inhibition(h, new Problems($"inhibition #{i + 1}", errors), ids)).OfType<AlertInhibition>().ToList();
        if (errors.Count > 0) throw new RuleFileException(errors);
        return new AlertRuleSet(rules, silences, inhibitions);
    }

    /// <summary>
    /// "rule 'x': field " for a line of the file, as far as its text tells (the YAML reader's own messages name
    /// types, not the rule): the nearest rule id above it, and the key on it.
    /// </summary>
    private static string Locate(string yaml, int line)
    {
        var lines = yaml.Split('\n');
        if (line < 1 || line > lines.Length) return "";
        var key = lines[line - 1].TrimStart(' ', '-').Split(':')[0].Trim();
        string? rule = null;
        for (var n = line - 1; n >= 0 && rule is null; n--)
        {
            var text = lines[n].Trim();
            if (text.StartsWith("- id:", StringComparison.Ordinal)) rule = text[5..].Trim();
            else if (!lines[n].StartsWith(' ') && text.Length > 0 && !text.StartsWith('#')) break;
        }
        return (rule is null ? "" : $"rule '{rule}': ") + (key.Length > 0 && !key.Contains(' ') ? key + " " : "");
    }

    private static AlertRule? Rule(RuleModel r, Problems p)
    {
        var kind = Required(r.Kind, "kind", p, KindNames);
        var severity = r.Severity is null ? AlertSeverity.Warning : Required(r.Severity, "severity", p, SnakeNames<AlertSeverity>.ByName);
        var actions = new Dictionary<ValueTier, string>();
        string? defaultAction = null;
        foreach (var (tier, action) in r.Actions ?? [])
        {
            if (tier == "default") defaultAction = action;
            else if (SnakeNames<ValueTier>.ByName.TryGetValue(tier, out var t)) actions[t] = action;
            else p.Add($"actions.{tier}", $"is not a tier or 'default' ({SnakeNames<ValueTier>.List})");
        }
        if (defaultAction is null) p.Add("actions.default", "is required: the suggested action for tiers not named");
        var rule = new AlertRule
        {
            Id = r.Id ?? "",
            Kind = kind ?? default,
            Severity = severity ?? default,
            Description = r.Description,
            Scope = Scope(r.Scope, p),
            For = Duration(r.For, "for", p) ?? TimeSpan.Zero,
            KeepFiringFor = Duration(r.KeepFiringFor, "keep_firing_for", p) ?? TimeSpan.Zero,
            Cooldown = Duration(r.Cooldown, "cooldown", p) ?? TimeSpan.Zero,
            Actions = actions,
            DefaultAction = defaultAction ?? "",
            Webhook = Webhook(r.Webhook, p),
        };
        switch (kind)
        {
            case AlertRuleKind.Threshold:
                var direction = Required(r.When, "when", p, SnakeNames<ThresholdDirection>.ByName);
                var threshold = TierValues(r.Threshold, r.TierThresholds, "threshold", "tier_thresholds", p, required: true);
                var recover = TierValues(r.Recover, r.TierRecover, "recover", "tier_recover", p, required: false);
                if (threshold is not null && recover is not null && direction is { } d)
                {
                    foreach (var tier in Enum.GetValues<ValueTier>().Cast<ValueTier?>().Append(null))
                    {
                        var (t, rc) = (threshold.For(tier), recover.For(tier));
                        if (d == ThresholdDirection.Below ? rc < t : rc > t)
                            p.Add("recover", $"{rc.ToString(CultureInfo.InvariantCulture)} for {tier?.ToString().ToLowerInvariant() ?? "default"} is on the firing side of its threshold {t.ToString(CultureInfo.InvariantCulture)}");
                    }
                }
                return rule with
                {
                    Metric = Required(r.Metric, "metric", p, AlertMetrics.ByName),
                    Direction = direction ?? default,
                    Threshold = threshold,
                    Recover = recover,
                };
            case AlertRuleKind.Count:
                var ev = Required(r.Event, "event", p, EventNames);
                if (ev is { } counted && !AlertConditions.CountableEvents.Contains(counted))
                    p.Add("event", $"'{r.Event}' cannot be counted: the windows count {string.Join(", ", AlertConditions.CountableEvents.Select(e => e.WireName()))}");
                if (r.AtLeast is not > 0) p.Add("at_least", "must be a whole number of 1 or more");
                if (r.NpsAtMost is { } nps && nps != ActivityWindows.DetractorNps)
                    p.Add("nps_at_most", $"must be {ActivityWindows.DetractorNps}: the windows count detractors (answers 0 to {ActivityWindows.DetractorNps}), not other scores");
                if (r.NpsAtMost is not null && ev is not EventType.SurveyResponse) p.Add("nps_at_most", "applies only to event survey_response");
                return rule with { Event = ev, Window = Duration(r.Window, "window", p, required: true) ?? TimeSpan.Zero, AtLeast = r.AtLeast ?? 0, NpsAtMost = r.NpsAtMost };
            case AlertRuleKind.Absence:
                var after = Duration(r.After, "after", p);
                if (after is null && r.TypicalIntervalMultiple is null) p.Add("after", "or typical_interval_multiple is required");
                if (r.TypicalIntervalMultiple is <= 0) p.Add("typical_interval_multiple", "must be above 0");
                return rule with { AbsenceOf = Required(r.Of, "of", p, SnakeNames<AbsenceOf>.ByName), After = after, TypicalIntervalMultiple = r.TypicalIntervalMultiple };
            case AlertRuleKind.OverduePayment:
                return rule with { Grace = Duration(r.Grace, "grace", p) ?? TimeSpan.Zero };
            case AlertRuleKind.Transition:
                var attribute = Required(r.Attribute, "attribute", p, SnakeNames<TransitionAttribute>.ByName);
                var names = attribute switch
                {
                    TransitionAttribute.Segment => SnakeNames<RfmSegment>.ByName.Keys,
                    TransitionAttribute.Tier => SnakeNames<ValueTier>.ByName.Keys,
                    TransitionAttribute.Stage => SnakeNames<LifecycleStage>.ByName.Keys,
                    _ => [],
                };
                return rule with
                {
                    Attribute = attribute,
                    From = Values(r.From, "from", names, p, required: false),
                    To = Values(r.To, "to", names, p, required: true),
                };
            default:
                return null;
        }
    }

    private static AlertScope Scope(ScopeModel? s, Problems p) => s is null ? AlertScope.All : new AlertScope(
        Enums(s.Tiers, "scope.tiers", p, SnakeNames<ValueTier>.ByName),
        Enums(s.Segments, "scope.segments", p, SnakeNames<RfmSegment>.ByName),
        Enums(s.Stages, "scope.stages", p, SnakeNames<LifecycleStage>.ByName),
        Enums(s.CustomerTypes, "scope.customer_types", p, SnakeNames<CustomerType>.ByName),
        (s.Regions ?? []).ToHashSet(StringComparer.Ordinal));

    private static AlertSilence? Silence(SilenceModel s, Problems p, HashSet<string> ruleIds)
    {
        if (s.Rule is { } rule && !ruleIds.Contains(rule)) p.Add("rule", $"'{rule}' is not a rule of this file");
        var tier = s.Tier is null ? null : Required(s.Tier, "tier", p, SnakeNames<ValueTier>.ByName);
        var segment = s.Segment is null ? null : Required(s.Segment, "segment", p, SnakeNames<RfmSegment>.ByName);
        if (s.Rule is null && s.Tier is null && s.Segment is null && s.Customer is null) p.Add("rule", "or tier, segment or customer is required: a silence of everything is not a silence");
        if (s.Until is null) p.Add("until", "is required (an ISO 8601 time)");
        if (s.Reason is not { Length: > 0 }) p.Add("reason", "is required");
        return p.None ? new AlertSilence(s.Rule, tier, segment, s.Customer, s.Until!.Value, s.Reason!) : null;
    }

    private static AlertInhibition? Inhibition(InhibitionModel h, Problems p, HashSet<string> ruleIds)
    {
        if (h.Target is not { Length: > 0 }) p.Add("target", "is required");
        else if (!ruleIds.Contains(h.Target)) p.Add("target", $"'{h.Target}' is not a rule of this file");
        if (h.Source is { } source && !ruleIds.Contains(source)) p.Add("source", $"'{source}' is not a rule of this file");
        var stage = h.SourceStage is null ? null : Required(h.SourceStage, "source_stage", p, SnakeNames<LifecycleStage>.ByName);
        if ((h.Source is null) == (h.SourceStage is null)) p.Add("source", "or source_stage is required, not both");
        if (h.Source is not null && h.Source == h.Target) p.Add("target", "cannot inhibit its own source");
        return p.None ? new AlertInhibition(h.Source, stage, h.Target!) : null;
    }

    private static T? Required<T>(string? value, string field, Problems p, IReadOnlyDictionary<string, T> names) where T : struct
    {
        if (value is null)
        {
            p.Add(field, $"is required ({string.Join(", ", names.Keys)})");
            return null;
        }
        if (names.TryGetValue(value, out var parsed)) return parsed;
        p.Add(field, $"'{value}' is not one of {string.Join(", ", names.Keys)}");
        return null;
    }

    private static HashSet<T> Enums<T>(List<string>? values, string field, Problems p, IReadOnlyDictionary<string, T> names) where T : struct
    {
        var set = new HashSet<T>();
        foreach (var value in values ?? [])
        {
            if (names.TryGetValue(value, out var parsed)) set.Add(parsed);
            else p.Add(field, $"'{value}' is not one of {string.Join(", ", names.Keys)}");
        }
        return set;
    }

    private static HashSet<string> Values(List<string>? values, string field, IEnumerable<string> names, Problems p, bool required)
    {
        var known = names.ToHashSet(StringComparer.Ordinal);
        if (required && values is not { Count: > 0 }) p.Add(field, "needs at least one value");
        foreach (var value in values ?? [])
        {
            if (!known.Contains(value)) p.Add(field, $"'{value}' is not one of {string.Join(", ", known)}");
        }
        return (values ?? []).ToHashSet(StringComparer.Ordinal);
    }

    private static TierValues<double>? TierValues(double? all, Dictionary<string, double>? byTier, string field, string tierField, Problems p, bool required)
    {
        if (all is null)
        {
            if (required) p.Add(field, "is required");
            if (byTier is not null) p.Add(field, $"is required with {tierField}: it applies to the tiers not named");
            return null;
        }
        var values = new Dictionary<ValueTier, double>();
        foreach (var (tier, value) in byTier ?? [])
        {
            if (SnakeNames<ValueTier>.ByName.TryGetValue(tier, out var t)) values[t] = value;
            else p.Add($"{tierField}.{tier}", $"is not a tier ({SnakeNames<ValueTier>.List})");
        }
        if (!double.IsFinite(all.Value) || values.Values.Any(v => !double.IsFinite(v))) p.Add(field, "must be a finite number");
        return new TierValues<double>(all.Value, values);
    }

    private static string? Webhook(string? name, Problems p)
    {
        if (name is null || IdPattern().IsMatch(name)) return name;
        p.Add("webhook", $"'{name}' is not an endpoint name (lowercase letters, digits, '-' or '_')");
        return null;
    }

    private static TimeSpan? Duration(string? text, string field, Problems p, bool required = false)
    {
        if (text is null)
        {
            if (required) p.Add(field, "is required (a duration such as 30d)");
            return null;
        }
        var m = DurationPattern().Match(text);
        if (!m.Success)
        {
            p.Add(field, $"'{text}' is not a duration (a number and s, m, h, d or w: 90s, 15m, 12h, 7d, 2w)");
            return null;
        }
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => TimeSpan.FromDays(7 * n),
        };
    }

    /// <summary>Whether <paramref name="name"/> may name a rule or a webhook endpoint (both become metric labels).</summary>
    public static bool IsName(string name) => IdPattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(s|m|h|d|w)$")]
    private static partial Regex DurationPattern();

    private static readonly IReadOnlyDictionary<string, AlertRuleKind> KindNames = SnakeNames<AlertRuleKind>.ByName;

    private static readonly IReadOnlyDictionary<string, EventType> EventNames = Enum.GetValues<EventType>().ToDictionary(t => t.WireName(), t => t, StringComparer.Ordinal);

    /// <summary>Collects one rule's (or silence's, inhibition's) problems, each prefixed with what and which field.</summary>
    private sealed class Problems(string owner, List<string> errors)
    {
        public bool None { get; private set; } = true;

        public void Add(string field, string problem)
        {
            None = false;
            errors.Add($"{owner}: {field} {problem}");
        }
    }
}
