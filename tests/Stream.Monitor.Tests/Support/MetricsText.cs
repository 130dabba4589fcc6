using System.Globalization;
using System.Text;
using Prometheus;

namespace Stream.Monitor.Tests.Support;

/// <summary>Reads a monitor's metrics as Prometheus text, the way a scraper sees them.</summary>
public static class MetricsText
{
    public static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The sum of every series of <paramref name="metric"/> whose labels contain <paramref name="labelFilter"/>.</summary>
    public static double Sum(string exposition, string metric, string labelFilter = "") =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(labelFilter, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
