using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using StackExchange.Redis;
using Stream.Monitor.Api;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Kafka;
using Stream.Monitor.Storage;
using Stream.Monitor.Telemetry;

namespace Stream.Monitor;

public static class MonitorServiceExtensions
{
    /// <summary>Options, Redis, Kafka, the ingest pipeline, metrics and health: everything the monitor runs.</summary>
    public static WebApplicationBuilder AddStreamMonitor(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<KafkaOptions>(KafkaOptions.Section);
        services.PostConfigure<KafkaOptions>(o => o.InstanceId ??= StaticMembership.DefaultInstanceId(builder.Configuration["Urls"]));
        services.AddValidatedOptions<RedisOptions>(RedisOptions.Section);
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.AddValidatedOptions<ApiOptions>(ApiOptions.Section);
        services.AddOptions<Core.Analytics.AnalyticsOptions>().BindConfiguration("Stream:Analytics");
        services.AddValidatedOptions<StructureOptions>(StructureOptions.Section);
        services.AddValidatedOptions<ModelOptions>(ModelOptions.Section);
        services.AddValidatedOptions<AlertOptions>(AlertOptions.Section);
        services.AddValidatedOptions<WebhookOptions>(WebhookOptions.Section);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var config = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            config.AbortOnConnectFail = false;
            // Keys hold customer ids: keep them out of exception messages, and so out of the logs.
            config.IncludeDetailInExceptions = false;
            return ConnectionMultiplexer.Connect(config);
        });
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        services.AddSingleton<CustomerStateStore>();
        services.AddSingleton<Models.ModelStore>();
        services.AddSingleton<Models.CurrentModel>();
        services.AddHostedService<Models.ModelRefresher>();

        // One registry per host, so tests can run several monitors in one process.
        services.AddSingleton(_ =>
        {
            var registry = Metrics.NewCustomRegistry();
            DotNetStats.Register(registry);
            return registry;
        });
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<AlertTelemetry>();
        services.AddHostedService<OpenAlertsGauge>();
        services.AddSingleton<Alerts.RecentAlerts>();

        services.AddSingleton<Alerts.AlertRules>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertRules>());
        // Polly times each attempt out (WebhookOptions.AttemptTimeout), not the client.
        services.AddHttpClient(Alerts.Webhooks.WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<WebhookTelemetry>();
        services.AddHostedService<Alerts.Webhooks.WebhookDispatcher>();
        services.AddSingleton<IKafkaClientFactory, KafkaClientFactory>();
        services.AddIngest();
        services.AddSingleton<Structure.LatestStructure>();
        services.AddHostedService<Structure.StructureReporter>();

        // Tiers, stages and outlooks read as words in the API ("premium"), as they do in the metrics.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddHealthChecks().AddCheck<IngestReadinessCheck>("ingest", tags: ["ready"]);
        services.AddSingleton<ApiKeyFilter>();
        return builder;
    }

    public static WebApplication MapStreamMonitor(this WebApplication app)
    {
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>());
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapStreamApi();
        return app;
    }

    private static void AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
