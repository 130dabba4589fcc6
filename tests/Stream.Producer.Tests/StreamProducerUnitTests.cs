using System.Text;
using Stream.Core.Events;

namespace Stream.Producer.Tests;

/// <summary>Validation before send needs no broker: a bad event never leaves the process.</summary>
[Trait("Category", "Unit")]
public sealed class StreamProducerUnitTests
{
    // Nothing listens here; librdkafka connects lazily, and these events are refused before any send.
    private static StreamProducer Producer() => new(new StreamProducerOptions { BootstrapServers = "127.0.0.1:1" });

    [Fact]
    public async Task An_event_the_monitor_would_dead_letter_is_refused_with_its_reason()
    {
        using var producer = Producer();
        var bad = new CustomerEvent
        {
            EventId = "e1", CustomerId = "c-1", OccurredAt = DateTimeOffset.UtcNow, Type = EventType.SurveyResponse, Nps = 11,
        };
        var ex = await Assert.ThrowsAsync<InvalidEventException>(() => producer.SendAsync(bad));
        Assert.Equal(RejectReason.SchemaViolation, ex.Reason);
        Assert.Contains("nps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_purchase_in_another_currency_is_refused()
    {
        using var producer = Producer();
        var ex = await Assert.ThrowsAsync<InvalidEventException>(() => producer.SendAsync(new CustomerEvent
        {
            EventId = "e2", CustomerId = "c-1", OccurredAt = DateTimeOffset.UtcNow, Type = EventType.Purchase,
            OrderId = "o-1", Amount = 10m, Currency = "EUR",
        }));
        Assert.Equal(RejectReason.UnsupportedCurrency, ex.Reason);
    }

    [Fact]
    public async Task An_event_dated_a_day_ahead_is_refused_as_a_future_timestamp()
    {
        using var producer = Producer();
        var ex = await Assert.ThrowsAsync<InvalidEventException>(() =>
            producer.InteractionAsync("c-1", EventType.Login, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(RejectReason.FutureTimestamp, ex.Reason);
    }

    [Theory]
    [InlineData("{not json", RejectReason.NotJson)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\",\"customerId\":\"c\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}", RejectReason.SchemaViolation)]
    [InlineData("{\"schemaVersion\":3,\"eventId\":\"e\",\"customerId\":\"c\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"type\":\"login\"}", RejectReason.UnknownVersion)]
    public async Task Raw_json_is_validated_before_it_is_sent(string json, RejectReason reason)
    {
        using var producer = Producer();
        var ex = await Assert.ThrowsAsync<InvalidEventException>(() => producer.SendJsonAsync(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(reason, ex.Reason);
    }
}
