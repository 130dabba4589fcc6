using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using StackExchange.Redis;
using Stream.Monitor.Configuration;
using Stream.Monitor.Ingest;
using Stream.Monitor.Storage;
using Stream.Monitor.Telemetry;

namespace Stream.Monitor.Alerts.Webhooks;

/// <summary>
/// Delivers the alerts queued for webhooks (<see cref="RedisKeys.Webhooks"/>, written in the commit of the batch that
/// raised them) for the partitions this instance owns, each partition's in queue order, apart from ingestion: a slow
/// or failing endpoint only lengthens its queue. Each request is signed (<see cref="WebhookSignature"/>) and retried
/// with exponential back-off; after <see cref="WebhookOptions.MaxAttempts"/> the alert moves to the partition's
/// dead-letter stream with the last failure. An entry is deleted only after it was delivered or dead-lettered, so a
/// crash or a partition moving to another instance can deliver it again: receivers deduplicate on <c>Stream-Alert-Id</c>.
/// </summary>
public sealed class WebhookDispatcher(IOptions<WebhookOptions> options, IConnectionMultiplexer redis, RedisKeys keys, IngestStatus status,
    IHttpClientFactory http, WebhookTelemetry telemetry, TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "stream-webhooks";

    /// <summary>Entries read from a queue at a time.</summary>
    private const int ReadCount = 32;

    private readonly WebhookOptions _options = options.Value;
    private ResiliencePipeline? _pipeline;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        // Rules may name only configured endpoints, so with none nothing is ever queued.
        if (_options.Endpoints.Count == 0) return;
        _pipeline = Pipeline();
        var draining = new Dictionary<int, Task>();
        while (!stop.IsCancellationRequested)
        {
            var owned = status.Owned;
            foreach (var partition in owned)
            {
                if (!draining.TryGetValue(partition, out var running) || running.IsCompleted) draining[partition] = DrainAsync(partition, stop);
            }
            foreach (var partition in draining.Keys.Where(p => !owned.Contains(p) && draining[p].IsCompleted).ToList())
            {
                draining.Remove(partition);
                telemetry.Queued(partition, null);
            }
            try
            {
                await Task.Delay(_options.PollInterval, clock, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(draining.Values);
    }

    /// <summary>Delivers a partition's queue until it is empty or the partition is no longer this instance's.</summary>
    private async Task DrainAsync(int partition, CancellationToken stop)
    {
        var db = redis.GetDatabase();
        var queue = keys.Webhooks(partition);
        try
        {
            while (!stop.IsCancellationRequested && status.Owned.Contains(partition))
            {
                telemetry.Queued(partition, await db.StreamLengthAsync(queue));
                var entries = await db.StreamRangeAsync(queue, "-", "+", ReadCount);
                if (entries.Length == 0) return;
                foreach (var entry in entries)
                {
                    if (stop.IsCancellationRequested || !status.Owned.Contains(partition)) return;
                    await DeliverAsync(db, partition, queue, entry, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RedisException ex)
        {
            // The queue stays as it is; the next poll reads it again.
            logger.LogWarning(ex, "Reading the webhook queue of partition {Partition} failed; trying again", partition);
        }
    }

    private async Task DeliverAsync(IDatabase db, int partition, RedisKey queue, StreamEntry entry, CancellationToken stop)
    {
        var name = (string?)entry["endpoint"] ?? "";
        var alertId = (string?)entry["id"] ?? "";
        var body = (byte[]?)entry["alert"] ?? [];
        var attempts = 0;
        string failure;
        if (!_options.Endpoints.TryGetValue(name, out var endpoint))
        {
            failure = "the endpoint is no longer configured";
        }
        else
        {
            try
            {
                await _pipeline!.ExecuteAsync(async ct =>
                {
                    attempts++;
                    try
                    {
                        await SendAsync(endpoint, alertId, body, ct);
                    }
                    catch (Exception) when (!stop.IsCancellationRequested)
                    {
                        telemetry.Attempt(name, delivered: false);
                        throw;
                    }
                    telemetry.Attempt(name, delivered: true);
                }, stop);
                await db.StreamDeleteAsync(queue, [entry.Id]);
                return;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                failure = Describe(ex);
            }
        }
        // Dead-lettered and taken off the queue together, so the alert is in exactly one of them.
        var move = db.CreateTransaction();
        _ = move.StreamAddAsync(keys.DeadWebhooks(partition), [.. entry.Values, new("reason", failure), new("attempts", attempts)]);
        _ = move.StreamDeleteAsync(queue, [entry.Id]);
        await move.ExecuteAsync();
        telemetry.DeadLettered(name);
        logger.LogWarning("Webhook delivery to endpoint {Endpoint} failed after {Attempts} attempts ({Failure}); the alert is in {Stream}",
            name, attempts, failure, (string?)keys.DeadWebhooks(partition));
    }

    private async Task SendAsync(WebhookEndpoint endpoint, string alertId, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Stream-Alert-Id", alertId);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(endpoint.Secret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
    }

    /// <summary>Retries with doubling waits (no jitter: one instance sends a partition's requests one at a time), each attempt timed out on its own.</summary>
    private ResiliencePipeline Pipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = _options.FirstDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
            });
        }
        return builder.AddTimeout(_options.AttemptTimeout).Build();
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { StatusCode: { } code } => $"HTTP {(int)code}",
        HttpRequestException h => $"no answer: {h.HttpRequestError}",
        TimeoutRejectedException => "timed out",
        _ => ex.GetType().Name,
    };
}
