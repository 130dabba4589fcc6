using System.Text;
using Stream.Core.Events;

namespace Stream.Core.Tests.Events;

[Trait("Category", "Unit")]
public sealed class EventReaderUnitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly EventReader _reader = new(new EventLimits { MaxEventBytes = 2048 });

    // Reads as an event and as the facts the pipeline applies, and checks that the two agree.
    private EventParseResult Read(string json, EventKind kind = EventKind.Transaction, string? key = "c-1") =>
        BothReads.Read(_reader, Encoding.UTF8.GetBytes(json), kind, key, Now);

    private const string Purchase = """{"schemaVersion":1,"eventId":"e-1","customerId":"c-1","occurredAt":"2026-11-25T10:00:00.5+01:00","type":"purchase","orderId":"o-1","amount":12.5,"currency":"USD","quantity":2}""";

    [Fact]
    public void A_valid_purchase_is_read_with_its_fields()
    {
        var result = Read(Purchase);
        Assert.True(result.IsValid, result.Detail);
        var ev = result.Event;
        Assert.Equal(EventType.Purchase, ev.Type);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, 500, TimeSpan.Zero), ev.OccurredAt);
        Assert.Equal(12.5m, ev.Amount);
        Assert.Equal(2, ev.Quantity);
    }

    [Fact]
    public void Writing_then_reading_gives_the_same_event()
    {
        var ev = Read(Purchase).Event!;
        var again = _reader.Read(EventWriter.ToUtf8(ev), EventKind.Transaction, "c-1", Now);
        Assert.Equal(ev, again.Event);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":1,", RejectReason.NotJson)]
    [InlineData("[1,2]", RejectReason.SchemaViolation)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\"} trailing", RejectReason.NotJson)]
    [InlineData("{\"schemaVersion\":7,\"eventId\":\"e\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"type\":\"purchase\"}", RejectReason.UnknownVersion)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"type\":\"purchase\",\"orderId\":\"o\",\"amount\":1,\"currency\":\"EUR\"}", RejectReason.UnsupportedCurrency)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"type\":\"purchase\",\"orderId\":\"o\",\"amount\":1,\"currency\":\"USD\",\"eventId\":\"x\"}", RejectReason.SchemaViolation)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-25T10:00:00\",\"type\":\"purchase\",\"orderId\":\"o\",\"amount\":1,\"currency\":\"USD\"}", RejectReason.SchemaViolation)]
    [InlineData("{\"schemaVersion\":1,\"eventId\":\"e\",\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"type\":\"login\"}", RejectReason.SchemaViolation)]
    public void Bad_payloads_are_rejected_with_their_reason(string json, RejectReason reason)
    {
        var result = Read(json);
        Assert.False(result.IsValid);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Theory]
    [InlineData("purchase", true)]
    [InlineData("purch\\u0061se", true)] // a JSON escape is the same name
    [InlineData("purchases", false)]
    [InlineData("payment_received_twice_over", false)] // longer than every name
    [InlineData("", false)]
    public void The_type_is_read_by_its_unescaped_name(string wireType, bool known)
    {
        var result = Read(Purchase.Replace("\"type\":\"purchase\"", $"\"type\":\"{wireType}\""));
        Assert.Equal(known, result.IsValid);
        if (known) Assert.Equal(EventType.Purchase, result.Event!.Type);
        else Assert.Equal((RejectReason.SchemaViolation, $"type '{wireType}' is not a known event type"), (result.Reason, result.Detail));
    }

    [Theory]
    [InlineData("\"eventId\"", "\"\\u0065ventId\"", null)] // an escaped name is the same name
    [InlineData("\"eventId\"", "\"eventid\"", "an unknown property is not part of the contract")]
    [InlineData("\"eventId\"", "\"évent\"", "an unknown property is not part of the contract")]
    [InlineData("\"quantity\"", "\"quantityy\"", "an unknown property is not part of the contract")]
    public void Property_names_are_matched_exactly_after_unescaping(string name, string replacement, string? error)
    {
        var result = Read(Purchase.Replace(name, replacement, StringComparison.Ordinal));
        Assert.Equal(error, result.IsValid ? null : result.Detail);
    }

    [Fact]
    public void The_record_key_must_be_the_customer_id()
    {
        Assert.Equal(RejectReason.KeyMismatch, Read(Purchase, key: "c-2").Reason);
        Assert.Equal(RejectReason.KeyMismatch, Read(Purchase, key: null).Reason);
    }

    [Theory]
    [InlineData("c-1", "c-1", null)]
    [InlineData("c\\u002d1", "c-1", null)] // an escape unescapes to the key's chars
    [InlineData("64a", "64a", null)]
    [InlineData("40e", "40a", null)] // 40 escapes: 240 raw bytes for 40 chars
    [InlineData("65a", "65a", "customerId must be 1–64 characters")]
    [InlineData("", "", "customerId must be 1–64 characters")]
    [InlineData("-c", "-c", "customerId may hold only letters, digits and . _ : @ - and must start with a letter or digit")]
    [InlineData("c 1", "c 1", "customerId may hold only letters, digits and . _ : @ - and must start with a letter or digit")]
    public void A_known_customer_id_is_shared_and_changes_no_outcome(string wireId, string key, string? error)
    {
        static string Expand(string s) => s switch
        {
            "64a" => new string('a', 64),
            "65a" => new string('a', 65),
            "40a" => new string('a', 40),
            "40e" => string.Concat(Enumerable.Repeat("\\u0061", 40)),
            _ => s,
        };
        var payload = Encoding.UTF8.GetBytes(Purchase.Replace("\"customerId\":\"c-1\"", $"\"customerId\":\"{Expand(wireId)}\"", StringComparison.Ordinal));
        var keyBytes = Encoding.UTF8.GetBytes(Expand(key));
        // A cached customer's id: the same chars, another instance than any the reader would make.
        var known = new string(Expand(key).AsSpan());
        var plain = _reader.Read(payload, EventKind.Transaction, keyBytes, hasKey: true, Now);
        var shared = _reader.Read(payload, EventKind.Transaction, keyBytes, hasKey: true, Now, knownCustomerId: known);
        var other = _reader.Read(payload, EventKind.Transaction, keyBytes, hasKey: true, Now, knownCustomerId: "c-2");

        Assert.Equal(error, plain.IsValid ? null : plain.Detail);
        Assert.Equal((plain.IsValid, plain.Reason, plain.Detail), (shared.IsValid, shared.Reason, shared.Detail));
        Assert.Equal((plain.IsValid, plain.Reason, plain.Detail), (other.IsValid, other.Reason, other.Detail));
        if (error is not null) return;
        Assert.Equal(plain.Event, shared.Event);
        Assert.Same(known, shared.Event!.CustomerId);
        Assert.NotSame(known, plain.Event!.CustomerId);
        Assert.Equal(Expand(key), other.Event!.CustomerId);
    }

    // The facts path checks these strings in a stack buffer instead of keeping them; Read compares it with the event path.
    [Theory]
    [InlineData("\"eventId\":\"e-1\"", "\"eventId\":\"128a\"", null)]
    [InlineData("\"eventId\":\"e-1\"", "\"eventId\":\"129a\"", "eventId must be 1–128 characters")]
    [InlineData("\"eventId\":\"e-1\"", "\"eventId\":\"128e\"", null)] // 768 raw bytes for 128 chars
    [InlineData("\"eventId\":\"e-1\"", "\"eventId\":\"é-1\"", null)]
    [InlineData("\"eventId\":\"e-1\"", "\"eventId\":\"\"", "eventId must be 1–128 characters")]
    [InlineData("\"orderId\":\"o-1\"", "\"orderId\":\"128e\"", null)]
    [InlineData("\"orderId\":\"o-1\"", "\"orderId\":\"129a\"", "orderId must be 1–128 characters")]
    [InlineData("\"orderId\":\"o-1\"", "\"orderId\":7", "orderId must be a string")]
    [InlineData("\"orderId\":\"o-1\"", "\"productCategory\":\"books\"", "a purchase needs orderId")]
    [InlineData("\"orderId\":\"o-1\"", "\"orderId\":\"o-1\",\"productCategory\":\"65a\"", "productCategory must be 1–64 characters")]
    [InlineData("\"currency\":\"USD\"", "\"currency\":\"\\u0055SD\"", null)]
    [InlineData("\"currency\":\"USD\"", "\"currency\":\"usd\"", "currency must be an ISO 4217 code of three capital letters")]
    [InlineData("\"currency\":\"USD\"", "\"currency\":\"US\"", "currency must be 3 characters")]
    [InlineData("\"currency\":\"USD\"", "\"currency\":\"EUR\"", "currency EUR is not the configured USD")]
    public void Strings_that_state_does_not_keep_are_checked_all_the_same(string field, string replacement, string? error)
    {
        static string Expand(string s) => s
            .Replace("128a", new string('a', 128), StringComparison.Ordinal)
            .Replace("129a", new string('a', 129), StringComparison.Ordinal)
            .Replace("65a", new string('a', 65), StringComparison.Ordinal)
            .Replace("128e", string.Concat(Enumerable.Repeat("\\u0061", 128)), StringComparison.Ordinal);
        Assert.Contains(field, Purchase, StringComparison.Ordinal);
        var result = Read(Purchase.Replace(field, Expand(replacement), StringComparison.Ordinal));
        Assert.Equal(error, result.IsValid ? null : result.Detail);
    }

    [Fact]
    public void An_event_more_than_the_skew_after_its_record_timestamp_is_implausible()
    {
        var ahead = Purchase.Replace("2026-11-25T10:00:00.5+01:00", "2026-11-25T13:30:00Z", StringComparison.Ordinal);
        Assert.Equal(RejectReason.FutureTimestamp, Read(ahead).Reason);
        var slightlyAhead = Purchase.Replace("2026-11-25T10:00:00.5+01:00", "2026-11-25T12:30:00Z", StringComparison.Ordinal);
        Assert.True(Read(slightlyAhead).IsValid);
    }

    [Theory]
    [InlineData("e-1")]
    [InlineData("o-1")]
    [InlineData("USD")]
    [InlineData("c-1")]
    public void Invalid_utf8_in_a_string_is_rejected_not_thrown(string value)
    {
        var payload = Encoding.UTF8.GetBytes(Purchase);
        var at = Purchase.IndexOf($"\"{value}\"", StringComparison.Ordinal) + 1;
        payload[at] = 0xC3; // a lead byte followed by an ASCII byte: not UTF-8
        var result = BothReads.Read(_reader, payload, EventKind.Transaction, "c-1", Now);
        Assert.False(result.IsValid);
        Assert.Equal(RejectReason.NotJson, result.Reason);
    }

    [Fact]
    public void Oversize_payloads_are_rejected_before_parsing()
    {
        var result = Read("{" + new string(' ', 3000) + "}");
        Assert.Equal(RejectReason.Oversize, result.Reason);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", true)]
    [InlineData("2026-11-25T10:00:00.1234567-05:30", true)]
    [InlineData("2026-11-25T10:00:00.12345678Z", false)]
    [InlineData("2026-11-25 10:00:00Z", false)]
    [InlineData("2026-11-25T10:00:00+0100", false)]
    [InlineData("2026-11-25", false)]
    public void Only_rfc3339_timestamps_with_an_offset_have_the_right_shape(string ts, bool ok) =>
        Assert.Equal(ok, EventReader.HasRfc3339Shape(Encoding.ASCII.GetBytes(ts)));
}
