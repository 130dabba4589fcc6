using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Structure</c>: how often the customer-structure views are recomputed.</summary>
public sealed class StructureOptions
{
    public const string Section = "Stream:Structure";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
