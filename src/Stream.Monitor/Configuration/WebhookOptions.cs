using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>
/// Section <c>Stream:Alerts:Webhooks</c>: where alerts of rules with a <c>webhook</c> go, and how hard delivery tries.
/// Endpoints are named here, not in the rule file, so their secrets stay out of it (set them from the environment:
/// <c>Stream__Alerts__Webhooks__Endpoints__crm__Secret</c>).
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Stream:Alerts:Webhooks";

    public Dictionary<string, WebhookEndpoint> Endpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Attempts per alert, the first included; after the last failure the alert is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; each next wait doubles, up to <see cref="MaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the queues of the partitions this instance owns are looked at when they were empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var (name, endpoint) in Endpoints)
        {
            if (!Alerts.RuleFile.IsName(name))
                yield return new ValidationResult($"{Section}:Endpoints:{name}: the name must be lowercase letters, digits, '-' or '_' (rules refer to it)");
            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                yield return new ValidationResult($"{Section}:Endpoints:{name}:Url must be an absolute http or https URL");
            if (endpoint.Secret is not { Length: >= 16 })
                yield return new ValidationResult($"{Section}:Endpoints:{name}:Secret must be at least 16 characters: every request is signed with it (HMAC-SHA256)");
        }
        if (MaxDelay < FirstDelay) yield return new ValidationResult($"{Section}:MaxDelay must not be shorter than FirstDelay");
    }
}

/// <summary>One webhook receiver: its URL and the shared secret requests are signed with.</summary>
public sealed class WebhookEndpoint
{
    public string Url { get; set; } = "";

    public string Secret { get; set; } = "";
}
