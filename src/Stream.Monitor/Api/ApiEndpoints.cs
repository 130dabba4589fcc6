using Stream.Monitor.Ingest;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Api;

public static class ApiEndpoints
{
    public static void MapStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();

        api.MapGet("/customers/{customerId}", async (string customerId, CustomerStateStore store, IngestStatus status, Models.CurrentModel model,
            Microsoft.Extensions.Options.IOptions<Core.Analytics.AnalyticsOptions> analyticsOptions) =>
        {
            var partitions = await store.PartitionCountAsync(status.PartitionCount);
            if (await store.FindAsync(customerId, partitions) is not { } found) return Results.NotFound();
            // Windows are evaluated as of the partition's event-time watermark, never the wall clock.
            var asOf = await store.WatermarkAsync(found.Partition) ?? DateTimeOffset.FromUnixTimeMilliseconds(found.State.LastEventAtMs);
            var lastEvent = DateTimeOffset.FromUnixTimeMilliseconds(found.State.LastEventAtMs);
            return Results.Ok(CustomerView.From(customerId, found.State, asOf > lastEvent ? asOf : lastEvent, analyticsOptions.Value, model.Model));
        });

        // Open alerts: those fired and not yet resolved. Pending episodes are not alerts yet; resolved ones are on the topic.
        api.MapGet("/alerts", async (CustomerStateStore store, IngestStatus status, Alerts.AlertRules rules, string? state, string? rule, string? tier, string? severity, int? limit) =>
        {
            if (state is not null && !AlertViews.States.Contains(state))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"state '{state}' is not one of: {string.Join(", ", AlertViews.States)}");
            if (limit is < 1 or > 10_000) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "limit must be between 1 and 10000");
            var partitions = await store.PartitionCountAsync(status.PartitionCount);
            return Results.Ok(AlertViews.Open(await store.OpenAlertsAsync(partitions), rules.Current, rule, tier, severity, limit ?? 100));
        });

        api.MapGet("/customers/{customerId}/alerts", async (string customerId, CustomerStateStore store, IngestStatus status) =>
        {
            var partitions = await store.PartitionCountAsync(status.PartitionCount);
            return await store.FindAsync(customerId, partitions) is { } found ? Results.Ok(AlertViews.Customer(customerId, found.State)) : Results.NotFound();
        });

        api.MapGet("/model", (Models.CurrentModel model) =>
            model.Model is { } m ? Results.Ok(m) : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "no population model yet"));

        api.MapGet("/structure", (Structure.LatestStructure latest) =>
            latest.Report is { } report ? Results.Ok(report) : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "no structure report yet"));

        api.MapGet("/status", (IngestStatus status) => Results.Ok(new
        {
            status.Running,
            status.OwnedPartitions,
            status.PartitionCount,
            status.EventsCommitted,
            status.Rejected,
            status.BatchesCommitted,
            status.LastCommitAt,
            status.FatalError,
        }));
    }
}
