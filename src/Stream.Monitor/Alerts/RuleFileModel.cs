namespace Stream.Monitor.Alerts;

// The rule file as YAML says it (snake_case keys), before validation turns it into Core's AlertRuleSet. Every
// property is optional here so that validation, not the YAML reader, names what is missing.

internal sealed class RuleFileModel
{
    public List<RuleModel>? Rules { get; set; }
    public List<SilenceModel>? Silences { get; set; }
    public List<InhibitionModel>? Inhibitions { get; set; }
}

internal sealed class RuleModel
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Severity { get; set; }
    public string? Description { get; set; }
    public ScopeModel? Scope { get; set; }
    public string? For { get; set; }
    public string? KeepFiringFor { get; set; }
    public string? Cooldown { get; set; }

    /// <summary>The name of a webhook endpoint configured under <c>Stream:Alerts:Webhooks:Endpoints</c>.</summary>
    public string? Webhook { get; set; }

    /// <summary>Suggested action by tier name, and <c>default</c> for the rest.</summary>
    public Dictionary<string, string>? Actions { get; set; }

    public string? Metric { get; set; }

    /// <summary><c>below</c> or <c>above</c>.</summary>
    public string? When { get; set; }
    public double? Threshold { get; set; }
    public Dictionary<string, double>? TierThresholds { get; set; }
    public double? Recover { get; set; }
    public Dictionary<string, double>? TierRecover { get; set; }

    public string? Event { get; set; }
    public string? Window { get; set; }
    public int? AtLeast { get; set; }
    public int? NpsAtMost { get; set; }

    public string? Of { get; set; }
    public string? After { get; set; }
    public double? TypicalIntervalMultiple { get; set; }

    public string? Grace { get; set; }

    public string? Attribute { get; set; }
    public List<string>? From { get; set; }
    public List<string>? To { get; set; }
}

internal sealed class ScopeModel
{
    public List<string>? Tiers { get; set; }
    public List<string>? Segments { get; set; }
    public List<string>? Stages { get; set; }
    public List<string>? CustomerTypes { get; set; }
    public List<string>? Regions { get; set; }
}

internal sealed class SilenceModel
{
    public string? Rule { get; set; }
    public string? Tier { get; set; }
    public string? Segment { get; set; }
    public string? Customer { get; set; }
    public DateTimeOffset? Until { get; set; }
    public string? Reason { get; set; }
}

internal sealed class InhibitionModel
{
    public string? Source { get; set; }
    public string? SourceStage { get; set; }
    public string? Target { get; set; }
}
