using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest;

/// <summary>Runs the blocking consumer loop on its own thread for the host's lifetime, once the input topics exist.</summary>
internal sealed class IngestWorker(InputTopics topics, IngestLoop loop, IngestStatus status, IHostApplicationLifetime lifetime, ILogger<IngestWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                if (topics.WaitForPartitionCount(stoppingToken) is { } partitions) loop.Run(partitions, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Only configuration faults reach here (the loop retries everything else): stop visibly.
                status.RecordFatal(ex.Message);
                logger.LogCritical(ex, "Ingest stopped: {Message}", ex.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// A host disposed without a stop (or after its stop timed out) disposes the Kafka producer next: the container
    /// disposes this worker before what it depends on. So the loop is told to stop and waited for here, and its
    /// final flush still writes what it took.
    /// </summary>
    public override void Dispose()
    {
        base.Dispose();
        if (ExecuteTask is not { } running) return;
        try
        {
            if (!running.Wait(DisposeWait))
                logger.LogCritical("Ingest did not stop within {Wait} of disposal; its uncommitted work will be read again", DisposeWait);
        }
        catch (AggregateException)
        {
            // A loop stopped by the cancellation ends faulted or cancelled: it has ended, which is all that matters here.
        }
    }

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(30);
}
