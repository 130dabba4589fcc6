using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Stream.Monitor.Ingest;

/// <summary>Ready when the consumer loop runs and Redis answers.</summary>
public sealed class IngestReadinessCheck(IngestStatus status, IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status.FatalError is { } fatal) return HealthCheckResult.Unhealthy(fatal);
        if (!status.Running) return HealthCheckResult.Unhealthy("consumer loop not running");
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            if (status.FailingPartitions.Count > 0)
            {
                // Degraded, not unhealthy: the instance still serves, and restarting it would not help a stuck partition.
                var failing = string.Join(", ", status.FailingPartitions.OrderBy(p => p.Key).Select(p => $"{p.Key} ({p.Value} failed writes in a row)"));
                return HealthCheckResult.Degraded($"partitions failing to commit: {failing}");
            }
            return HealthCheckResult.Healthy($"{status.OwnedPartitions} partitions owned; redis {latency.TotalMilliseconds:F1} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("redis unreachable", ex);
        }
    }
}
