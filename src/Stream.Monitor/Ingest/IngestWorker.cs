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
}
