using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Models</c>: when the population model (RFM cut points, tiers, churn and spend models) is rebuilt.</summary>
public sealed class ModelOptions
{
    public const string Section = "Stream:Models";

    /// <summary>Off: no population model is built or adopted (segments, tiers and scores stay empty).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an instance looks for a newer stored model and decides whether to rebuild.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rebuild when the current model is this old (wall clock).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RefitInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Rebuild once this instance has applied this many events since the current model appeared.</summary>
    [Range(1, long.MaxValue)]
    public long RefitAfterEvents { get; set; } = 500_000;

    /// <summary>Rebuild once event time has moved this many days past the current model's as-of day.</summary>
    [Range(1, 3650)]
    public int RefitAfterEventDays { get; set; } = 7;

    /// <summary>Populations up to this size are read exactly; larger ones through a uniform sample of this size.</summary>
    [Range(1_000, 100_000_000)]
    public int ExactLimit { get; set; } = 1_000_000;

    /// <summary>Seed of the sample, so a rebuild of the same population gives the same model.</summary>
    public int Seed { get; set; } = 20260101;
}
