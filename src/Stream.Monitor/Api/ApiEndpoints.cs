using Stream.Monitor.Ingest;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Api;

public static class ApiEndpoints
{
    public static void MapStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();

        api.MapGet("/customers/{customerId}", async (string customerId, CustomerStateStore store, IngestStatus status) =>
        {
            var partitions = status.PartitionCount > 0 ? status.PartitionCount : await store.GetPartitionCountAsync() ?? 0;
            var state = await store.FindAsync(customerId, partitions);
            return state is null ? Results.NotFound() : Results.Ok(CustomerView.From(customerId, state));
        });

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
