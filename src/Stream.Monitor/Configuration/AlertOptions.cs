namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Alerts</c>: the early-warning rules.</summary>
public sealed class AlertOptions
{
    public const string Section = "Stream:Alerts";

    /// <summary>The rule file (YAML). The default is the shipped <c>deploy/alerts/rules.yaml</c>, copied beside the monitor.</summary>
    public string RulesFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "alerts", "rules.yaml");
}
