using Stream.Kafka;
using Confluent.Kafka;
using Stream.Core.Events;

namespace Stream.Producer;

/// <summary>
/// The upstream SDK: builds typed events, validates them with the monitor's own rules before sending,
/// and produces them idempotently, keyed by customer id so a customer's events share a partition.
/// </summary>
public sealed class StreamProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly EventReader _validator;
    private readonly TimeProvider _clock;

    public StreamProducer(StreamProducerOptions options, TimeProvider? clock = null)
    {
        NativeKafka.EnsureLoaded();
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _validator = new EventReader(options.Limits);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 500_000,
        };
        foreach (var (key, value) in options.Kafka) config.Set(key, value);
        _producer = new ProducerBuilder<string, byte[]>(config).Build();
    }

    public StreamProducerOptions Options { get; }

    /// <summary>Validates and sends one event, completing when the broker has it.</summary>
    public async Task SendAsync(CustomerEvent ev, CancellationToken ct = default)
    {
        var (topic, message) = Prepare(ev);
        await _producer.ProduceAsync(topic, message, ct);
    }

    /// <summary>
    /// Validates a JSON event someone else serialised (its <c>type</c> says which contract and topic) and
    /// sends its bytes unchanged. Returns the parsed event.
    /// </summary>
    public async Task<CustomerEvent> SendJsonAsync(ReadOnlyMemory<byte> json, CancellationToken ct = default)
    {
        var kind = KindOf(json.Span) ?? throw new InvalidEventException(RejectReason.SchemaViolation, "type is missing or not a known event type");
        var now = _clock.GetUtcNow();
        // The key is checked against customerId below, so read it from the payload first.
        var probe = _validator.Read(json.Span, kind, CustomerIdOf(json.Span), now);
        if (!probe.IsValid) throw new InvalidEventException(probe.Reason, probe.Detail);
        await _producer.ProduceAsync(Options.Topics.For(kind), new Message<string, byte[]>
        {
            Key = probe.Event.CustomerId,
            Value = json.ToArray(),
            Timestamp = new Timestamp(now.UtcDateTime, TimestampType.CreateTime),
        }, ct);
        return probe.Event;
    }

    private static EventKind? KindOf(ReadOnlySpan<byte> json) =>
        ReadTopLevelString(json, "type"u8) is { } name && EventTypes.TryParse(name, out var type) ? type.Kind() : null;

    private static string? CustomerIdOf(ReadOnlySpan<byte> json) => ReadTopLevelString(json, "customerId"u8);

    private static string? ReadTopLevelString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> property)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(property))
                {
                    reader.Read();
                    return reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            throw new InvalidEventException(RejectReason.NotJson, "payload is not valid JSON");
        }
        return null;
    }

    /// <summary>
    /// Validates and queues one event without waiting for delivery (for high rates); call
    /// <see cref="Flush"/> to wait. Delivery failures surface through <paramref name="onError"/>.
    /// </summary>
    public void Enqueue(CustomerEvent ev, Action<Error>? onError = null)
    {
        var (topic, message) = Prepare(ev);
        EnqueueRaw(topic, message, onError);
    }

    /// <summary>Sends bytes as they are, unvalidated: for tools that replay or test bad input.</summary>
    public void EnqueueRaw(string topic, Message<string, byte[]> message, Action<Error>? onError = null)
    {
        Action<DeliveryReport<string, byte[]>>? handler = onError is null ? null : r =>
        {
            if (r.Error.IsError) onError(r.Error);
        };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, handler);
                return;
            }
            catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public Task PurchaseAsync(string customerId, string orderId, decimal amount, DateTimeOffset occurredAt,
        string? productCategory = null, int? quantity = null, string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.Purchase,
            OrderId = orderId, Amount = amount, Currency = Options.Limits.Currency, ProductCategory = productCategory, Quantity = quantity,
        }, ct);

    public Task RefundAsync(string customerId, string orderId, decimal amount, DateTimeOffset occurredAt,
        string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.Refund,
            OrderId = orderId, Amount = amount, Currency = Options.Limits.Currency,
        }, ct);

    public Task PaymentDueAsync(string customerId, string invoiceId, decimal amount, DateOnly dueDate, DateTimeOffset occurredAt,
        string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.PaymentDue,
            InvoiceId = invoiceId, Amount = amount, Currency = Options.Limits.Currency, DueDate = dueDate,
        }, ct);

    public Task PaymentReceivedAsync(string customerId, string invoiceId, decimal amount, DateTimeOffset occurredAt,
        string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.PaymentReceived,
            InvoiceId = invoiceId, Amount = amount, Currency = Options.Limits.Currency,
        }, ct);

    /// <summary>Any interaction without required extra fields: login, session, views, email, support contact.</summary>
    public Task InteractionAsync(string customerId, EventType type, DateTimeOffset occurredAt, string? channel = null,
        int? durationSeconds = null, string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = type,
            Channel = channel, DurationSeconds = durationSeconds,
        }, ct);

    public Task ComplaintAsync(string customerId, ComplaintCategory category, bool resolved, DateTimeOffset occurredAt,
        string? channel = null, string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.Complaint,
            ComplaintCategory = category, Resolved = resolved, Channel = channel,
        }, ct);

    public Task SurveyResponseAsync(string customerId, int nps, DateTimeOffset occurredAt, string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.SurveyResponse, Nps = nps,
        }, ct);

    public Task ProfileAsync(string customerId, CustomerType customerType, DateTimeOffset occurredAt, string? industry = null,
        string? region = null, DateOnly? signupDate = null, string? eventId = null, CancellationToken ct = default) =>
        SendAsync(new CustomerEvent
        {
            EventId = eventId ?? NewEventId(), CustomerId = customerId, OccurredAt = occurredAt, Type = EventType.ProfileUpdated,
            CustomerType = customerType, Industry = industry, Region = region, SignupDate = signupDate,
        }, ct);

    private (string Topic, Message<string, byte[]> Message) Prepare(CustomerEvent ev)
    {
        var payload = EventWriter.ToUtf8(ev);
        var now = _clock.GetUtcNow();
        var check = _validator.Read(payload, ev.Kind, ev.CustomerId, now);
        if (!check.IsValid) throw new InvalidEventException(check.Reason, check.Detail);
        return (Options.Topics.For(ev.Kind), new Message<string, byte[]>
        {
            Key = ev.CustomerId,
            Value = payload,
            Timestamp = new Timestamp(now.UtcDateTime, TimestampType.CreateTime),
        });
    }

    private static string NewEventId() => Guid.CreateVersion7().ToString("N");

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
