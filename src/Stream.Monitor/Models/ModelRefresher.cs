using System.Diagnostics;
using Microsoft.Extensions.Options;
using Prometheus;
using Stream.Core.Analytics;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Models;

/// <summary>
/// Keeps <see cref="CurrentModel"/> up to date: adopts newer versions other instances published, and
/// rebuilds the population model when it is due (age, new events, event time moved on). One instance
/// builds at a time (a Redis lock); building reads the stored states on a background thread and never
/// blocks ingestion, which keeps scoring with the previous version until the new one is swapped in.
/// </summary>
public sealed class ModelRefresher(
    ModelStore models,
    CustomerStateStore store,
    CurrentModel current,
    IngestStatus status,
    IOptions<ModelOptions> options,
    IOptions<AnalyticsOptions> analytics,
    CollectorRegistry registry,
    TimeProvider clock,
    ILogger<ModelRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromMinutes(30);

    private readonly ModelOptions _options = options.Value;
    private readonly Gauge _version = Metrics.WithCustomRegistry(registry).CreateGauge("stream_model_version", "Population model version in use.");
    private readonly Gauge _asOf = Metrics.WithCustomRegistry(registry).CreateGauge("stream_model_as_of_timestamp_seconds",
        "Event-time day the population model in use was built as of, Unix seconds.");
    private readonly Gauge _customers = Metrics.WithCustomRegistry(registry).CreateGauge("stream_model_customers",
        "Customers the population model in use was built from.");
    private readonly Gauge _parameters = Metrics.WithCustomRegistry(registry).CreateGauge("stream_model_parameter",
        "Fitted parameters of the churn (BG/NBD) and spend (Gamma-Gamma) models in use.", "model", "parameter");
    private readonly Gauge _buildSeconds = Metrics.WithCustomRegistry(registry).CreateGauge("stream_model_build_seconds",
        "Duration of this instance's last population model build.");
    private readonly Counter _builds = Metrics.WithCustomRegistry(registry).CreateCounter("stream_model_builds_total",
        "Population model builds by this instance, by outcome (published, failed).", "outcome");
    private long _eventsAtAdoption;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        using var timer = new PeriodicTimer(_options.CheckInterval, clock);
        do
        {
            try
            {
                await AdoptNewerAsync();
                if (await DueAsOfAsync() is { } asOfDay) await BuildAsync(asOfDay, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _builds.WithLabels("failed").Inc();
                logger.LogWarning(ex, "Population model refresh failed; next attempt in {Interval}", _options.CheckInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task AdoptNewerAsync()
    {
        if (await models.CurrentVersionAsync() is not { } version || version <= (current.Model?.Version ?? 0)) return;
        if (await models.LoadAsync(version) is { } model) Adopt(model);
    }

    private void Adopt(PopulationModel model)
    {
        if (!current.Offer(model)) return;
        _eventsAtAdoption = status.EventsCommitted;
        _version.Set(model.Version);
        _asOf.Set(EpochDays.ToDate(model.AsOfDay).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Subtract(DateTime.UnixEpoch).TotalSeconds);
        _customers.Set(model.Customers);
        if (model is { Churn: { } c, Spend: { } g })
        {
            _parameters.WithLabels("bgnbd", "r").Set(c.R);
            _parameters.WithLabels("bgnbd", "alpha").Set(c.Alpha);
            _parameters.WithLabels("bgnbd", "a").Set(c.A);
            _parameters.WithLabels("bgnbd", "b").Set(c.B);
            _parameters.WithLabels("gammagamma", "p").Set(g.P);
            _parameters.WithLabels("gammagamma", "q").Set(g.Q);
            _parameters.WithLabels("gammagamma", "v").Set(g.V);
        }
        logger.LogInformation("Scoring with population model v{Version} as of {AsOf} ({Customers} customers{Problem})",
            model.Version, EpochDays.ToDate(model.AsOfDay), model.Customers, model.ModelProblem is { } p ? "; no value models: " + p : "");
    }

    /// <summary>The event-time day to build as of when a build is due; null when not.</summary>
    private async Task<int?> DueAsOfAsync()
    {
        var partitions = await store.PartitionCountAsync(status.PartitionCount);
        if (await store.LatestWatermarkAsync(partitions) is not { } watermark) return null;
        var day = EpochDays.Of(DateOnly.FromDateTime(watermark.UtcDateTime));
        var model = current.Model;
        var due = model is null
            || clock.GetUtcNow() - model.BuiltAt >= _options.RefitInterval
            || status.EventsCommitted - _eventsAtAdoption >= _options.RefitAfterEvents
            || day >= model.AsOfDay + _options.RefitAfterEventDays;
        return due && day >= (model?.AsOfDay ?? int.MinValue) ? day : null;
    }

    private async Task BuildAsync(int asOfDay, CancellationToken ct)
    {
        if (await models.TryLockAsync(LockTtl) is not { } token) return;
        try
        {
            // Another instance may have published while we waited for the lock.
            await AdoptNewerAsync();
            if (current.Model is { } m && m.AsOfDay >= asOfDay && clock.GetUtcNow() - m.BuiltAt < _options.RefitInterval) return;

            var started = Stopwatch.GetTimestamp();
            var builder = new PopulationModelBuilder(asOfDay, analytics.Value, _options.ExactLimit, _options.Seed);
            var partitions = await store.PartitionCountAsync(status.PartitionCount);
            for (var p = 0; p < partitions; p++)
            {
                await foreach (var (_, bytes) in store.ScanAsync(p))
                {
                    ct.ThrowIfCancellationRequested();
                    builder.Add(CustomerStateCodec.Decode(bytes));
                }
            }
            if (builder.Seen == 0) return;
            var version = await models.NextVersionAsync();
            // Fitting takes seconds of CPU: on a thread of its own, never a thread-pool thread, because the
            // ingest loop's Redis writes complete on the pool (a busy pool on two cores stalled them for 1-2 s).
            var model = await Task.Factory.StartNew(() => builder.Build(version, clock.GetUtcNow()),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await models.PublishAsync(model);
            _buildSeconds.Set(Stopwatch.GetElapsedTime(started).TotalSeconds);
            _builds.WithLabels("published").Inc();
            Adopt(model);
        }
        finally
        {
            await models.UnlockAsync(token);
        }
    }
}
