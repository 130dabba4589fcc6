using Microsoft.Extensions.Options;
using Prometheus;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Snapshots;
using Stream.Monitor.Storage;
using Stream.Core.Text;

namespace Stream.Monitor.Structure;

/// <summary>
/// Recomputes, on a schedule, the customer base by type, region, industry, tier, segment, stage, potential and
/// outlook as of the
/// event-time watermark, and publishes it as gauges (bounded labels, no customer ids) and for the API.
/// Runs beside ingestion and never blocks it.
/// </summary>
public sealed class StructureReporter(
    CustomerStateStore store,
    IngestStatus status,
    IOptions<AnalyticsOptions> analytics,
    IOptions<StructureOptions> options,
    CollectorRegistry registry,
    LatestStructure latest,
    TimeProvider clock,
    ILogger<StructureReporter> logger) : BackgroundService
{
    private readonly Gauge _customers = Metrics.WithCustomRegistry(registry).CreateGauge("stream_customers",
        "Customers per group of a structure dimension (type, region, industry, tier, segment, stage).", "dimension", "value");
    private readonly Gauge _value = Metrics.WithCustomRegistry(registry).CreateGauge("stream_customer_value",
        "Contribution (net spend over Stream:Analytics:TierValueDays, 365 by default) per group of a structure dimension, in currency units.", "dimension", "value");
    private readonly Gauge _expectedValue = Metrics.WithCustomRegistry(registry).CreateGauge("stream_tier_expected_value",
        "Expected 12-month value (CLV) of a value tier's customers, in currency units: the tier's potential.", "tier");
    private readonly Gauge _atRisk = Metrics.WithCustomRegistry(registry).CreateGauge("stream_tier_at_risk_customers",
        "Customers of a value tier whose P(alive) is below Stream:Analytics:ChurnRiskThreshold.", "tier");
    private readonly Gauge _valueAtRisk = Metrics.WithCustomRegistry(registry).CreateGauge("stream_tier_value_at_risk",
        "Contribution of a value tier's customers at churn risk, in currency units.", "tier");
    private readonly Gauge _asOf = Metrics.WithCustomRegistry(registry).CreateGauge("stream_structure_as_of_timestamp_seconds",
        "Event-time day the structure gauges describe, Unix seconds.");
    private readonly HashSet<(string, string)> _published = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                await ReportAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Customer structure report failed; next attempt in {Interval}", options.Value.Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ReportAsync()
    {
        var partitions = await store.PartitionCountAsync(status.PartitionCount);
        var watermark = await store.LatestWatermarkAsync(partitions);
        if (watermark is null) return;

        var asOf = DateOnly.FromDateTime(watermark.Value.UtcDateTime);
        var snapshot = await CustomerSnapshot.BuildAsync(store, partitions, asOf, analytics.Value);
        var views = CustomerStructure.Build(snapshot.Rows
            .Select(r => new StructureMember(r.Profile, r.Tier, r.Rfm?.Segment, r.Stage, r.ContributionUnits, r.Potential, r.Outlook)).ToList());

        var current = new HashSet<(string, string)>();
        foreach (var (dimension, groups) in views)
        {
            foreach (var g in groups)
            {
                current.Add((dimension, g.Value));
                _customers.WithLabels(dimension, g.Value).Set(g.Customers);
                _value.WithLabels(dimension, g.Value).Set((double)Money.FromUnits(g.ValueUnits));
            }
        }
        foreach (var stale in _published.Except(current))
        {
            _customers.RemoveLabelled(stale.Item1, stale.Item2);
            _value.RemoveLabelled(stale.Item1, stale.Item2);
        }
        _published.Clear();
        _published.UnionWith(current);
        foreach (var t in snapshot.Tiers)
        {
            var tier = t.Tier.LowerName();
            _expectedValue.WithLabels(tier).Set(t.ExpectedValue);
            _atRisk.WithLabels(tier).Set(t.AtRisk);
            _valueAtRisk.WithLabels(tier).Set((double)Money.FromUnits(t.ValueAtRiskUnits));
        }
        _asOf.Set(new DateTimeOffset(asOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds());
        latest.Set(new StructureReport(asOf, snapshot.Rows.Count, views, snapshot.Tiers, clock.GetUtcNow()));
    }
}
