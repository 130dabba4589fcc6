using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;
using StackExchange.Redis;
using Stream.Core.Events;
using Stream.Monitor.Alerts.Webhooks;
using Stream.Monitor.Tests.Support;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>
/// Webhook delivery end to end: alerts of rules with a webhook are queued in Redis with the batch that raised them,
/// POSTed signed to a real HTTP endpoint, retried, dead-lettered when every attempt fails, and delivered by the next
/// instance when the endpoint was down while the first one ran.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WebhookDeliveryTests : IDisposable
{
    private const string Secret = "test-webhook-secret-0123456789";
    private static readonly DateTimeOffset Day0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private const string Rules = """
        rules:
          - id: complaint
            kind: count
            event: complaint
            window: 30d
            at_least: 1
            severity: critical
            webhook: crm
            actions: { default: Call the customer back today. }
          - id: detractor
            kind: count
            event: survey_response
            nps_at_most: 6
            window: 30d
            at_least: 1
            webhook: broken
            actions: { default: Follow up on the answer. }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("stream-webhooks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Alerts_are_posted_signed_retried_and_dead_lettered_after_the_last_attempt()
    {
        using var bed = new StreamTestBed(partitions: 2);
        // crm answers 503 to its first two requests, then 200; broken always answers 500.
        var crmFailures = 2;
        await using var receiver = await Receiver.StartAsync(0, path => path == "/crm" && Interlocked.Decrement(ref crmFailures) < 0 ? 200 : path == "/crm" ? 503 : 500);
        await using var monitor = bed.CreateMonitor(extra: Settings(receiver.Url, maxAttempts: 3));
        await monitor.StartAsync();

        using (var producer = bed.CreateProducer())
        {
            for (var c = 0; c < 5; c++) producer.Enqueue(Complaint($"w{c}", c));
            for (var c = 0; c < 2; c++) producer.Enqueue(Detractor($"d{c}", c));
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        var db = bed.Redis.Connection.GetDatabase();
        await Eventually.Until(async () => receiver.Delivered("/crm").Count == 5 && await Length(bed, db, bed.Keys.DeadWebhooks) == 2 && await Length(bed, db, bed.Keys.Webhooks) == 0,
            TimeSpan.FromSeconds(60), "5 complaint alerts delivered and 2 detractor alerts dead-lettered",
            async () => $"crm delivered {receiver.Delivered("/crm").Count}, dead {await Length(bed, db, bed.Keys.DeadWebhooks)}, queued {await Length(bed, db, bed.Keys.Webhooks)}");

        // Each request is the alert as published on the topic, with its id in a header, signed with the endpoint's secret.
        var published = bed.ReadAll(bed.Topics.Alerts).Select(m => m.Value).ToHashSet();
        var delivered = receiver.Delivered("/crm");
        Assert.Equal(5, delivered.Select(r => r.AlertId).Distinct().Count());
        foreach (var r in delivered)
        {
            Assert.Contains(r.Body, published);
            Assert.Equal(r.AlertId, (string)JsonNode.Parse(r.Body)!["alertId"]!);
            Assert.True(WebhookSignature.Verify(Secret, r.Signature, Encoding.UTF8.GetBytes(r.Body), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), r.Signature);
            Assert.Equal(Hmac(r.Signature, r.Body), r.Signature[(r.Signature.IndexOf("v1=", StringComparison.Ordinal) + 3)..]);
        }
        Assert.False(WebhookSignature.Verify(Secret, delivered[0].Signature, Encoding.UTF8.GetBytes(delivered[0].Body + " "), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, delivered[0].Signature, Encoding.UTF8.GetBytes(delivered[0].Body), DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(5)));

        // The dead letters keep the alert with why and how often delivery failed; broken saw every attempt.
        var dead = (await Task.WhenAll(Enumerable.Range(0, bed.Partitions).Select(p => db.StreamRangeAsync(bed.Keys.DeadWebhooks(p))))).SelectMany(e => e).ToList();
        Assert.All(dead, e => Assert.Equal(("broken", "HTTP 500", 3), ((string)e["endpoint"]!, (string)e["reason"]!, (int)e["attempts"])));
        Assert.Equal(["d0", "d1"], dead.Select(e => (string)JsonNode.Parse((string)e["alert"]!)!["customerId"]!).Order());
        Assert.Equal(6, receiver.Requests("/broken"));

        var metrics = await MetricsText.Scrape(monitor.Services.GetRequiredService<CollectorRegistry>());
        Assert.Equal(5, MetricsText.Sum(metrics, "stream_webhook_attempts_total", "endpoint=\"crm\",outcome=\"delivered\""));
        Assert.Equal(2, MetricsText.Sum(metrics, "stream_webhook_attempts_total", "endpoint=\"crm\",outcome=\"failed\""));
        Assert.Equal(6, MetricsText.Sum(metrics, "stream_webhook_attempts_total", "endpoint=\"broken\",outcome=\"failed\""));
        Assert.Equal(2, MetricsText.Sum(metrics, "stream_webhook_dead_letters_total", "endpoint=\"broken\""));
        await monitor.StopAsync();
    }

    [Fact]
    public async Task Alerts_queued_while_the_endpoint_is_down_are_delivered_by_the_next_instance()
    {
        using var bed = new StreamTestBed(partitions: 2);
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var db = bed.Redis.Connection.GetDatabase();
        await using (var first = bed.CreateMonitor(extra: Settings(url, maxAttempts: 100, firstDelay: "00:00:30")))
        {
            await first.StartAsync();
            using (var producer = bed.CreateProducer())
            {
                for (var c = 0; c < 3; c++) producer.Enqueue(Complaint($"q{c}", c));
                producer.Flush(TimeSpan.FromSeconds(30));
            }
            // Committed with their batches while nothing listens: they wait in Redis.
            await Eventually.Until(async () => await Length(bed, db, bed.Keys.Webhooks) == 3, TimeSpan.FromSeconds(30), "3 alerts queued");
            await first.StopAsync();
        }

        await using var receiver = await Receiver.StartAsync(port, _ => 200);
        await using var second = bed.CreateMonitor(extra: Settings(url, maxAttempts: 3));
        await second.StartAsync();
        await Eventually.Until(async () => await Length(bed, db, bed.Keys.Webhooks) == 0 && receiver.Delivered("/crm").Count >= 3,
            TimeSpan.FromSeconds(30), "the queued alerts delivered");
        Assert.Equal(["q0", "q1", "q2"], receiver.Delivered("/crm").Select(r => (string)JsonNode.Parse(r.Body)!["customerId"]!).Distinct().Order());
        await second.StopAsync();
    }

    private Dictionary<string, string?> Settings(string receiverUrl, int maxAttempts, string firstDelay = "00:00:00.050")
    {
        var rules = Path.Combine(_dir, "rules.yaml");
        File.WriteAllText(rules, Rules);
        return new()
        {
            ["Stream:Alerts:RulesFile"] = rules,
            ["Stream:Models:Enabled"] = "false",
            ["Stream:Alerts:Webhooks:Endpoints:crm:Url"] = receiverUrl + "/crm",
            ["Stream:Alerts:Webhooks:Endpoints:crm:Secret"] = Secret,
            ["Stream:Alerts:Webhooks:Endpoints:broken:Url"] = receiverUrl + "/broken",
            ["Stream:Alerts:Webhooks:Endpoints:broken:Secret"] = Secret,
            ["Stream:Alerts:Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Stream:Alerts:Webhooks:FirstDelay"] = firstDelay,
            ["Stream:Alerts:Webhooks:MaxDelay"] = "00:01:00",
            ["Stream:Alerts:Webhooks:PollInterval"] = "00:00:00.050",
        };
    }

    private static CustomerEvent Complaint(string customer, int n) => new()
    {
        EventId = $"{customer}-c", CustomerId = customer, OccurredAt = Day0.AddMinutes(n), Type = EventType.Complaint,
        Channel = "phone", ComplaintCategory = ComplaintCategory.Service, Resolved = false,
    };

    private static CustomerEvent Detractor(string customer, int n) => new()
    {
        EventId = $"{customer}-s", CustomerId = customer, OccurredAt = Day0.AddMinutes(n), Type = EventType.SurveyResponse, Channel = "email", Nps = 3,
    };

    private static async Task<long> Length(StreamTestBed bed, IDatabase db, Func<int, RedisKey> key)
    {
        long n = 0;
        for (var p = 0; p < bed.Partitions; p++) n += await db.StreamLengthAsync(key(p));
        return n;
    }

    /// <summary>The v1 signature of a request, computed here from the documented recipe: HMAC-SHA256 over "{t}.{body}".</summary>
    private static string Hmac(string header, string body)
    {
        var t = header.Split(',').Single(p => p.StartsWith("t=", StringComparison.Ordinal))[2..];
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>A webhook receiver on loopback: answers each request with the status the test picks, and keeps the ones it accepted.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string AlertId, string Signature, string Body)> _accepted = new();
        private readonly ConcurrentDictionary<string, int> _requests = new();

        private Receiver(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        public static async Task<Receiver> StartAsync(int port, Func<string, int> status)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/{name}", async (HttpContext context) =>
            {
                var path = context.Request.Path.Value!;
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                receiver._requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                var code = status(path);
                if (code == 200) receiver._accepted.Enqueue((path, context.Request.Headers["Stream-Alert-Id"].ToString(), context.Request.Headers[WebhookSignature.Header].ToString(), body));
                return Results.StatusCode(code);
            });
            await app.StartAsync();
            return receiver;
        }

        public List<(string Path, string AlertId, string Signature, string Body)> Delivered(string path) => [.. _accepted.Where(r => r.Path == path)];

        public int Requests(string path) => _requests.GetValueOrDefault(path);

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
