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
