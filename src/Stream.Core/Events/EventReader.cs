using System.Text.Json;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Core.Events;

/// <summary>
/// Parses and validates one event payload against the v1 contract of its topic's <see cref="EventKind"/>.
/// The rules here are the JSON Schemas in <c>schemas/</c>; a test keeps the two from drifting.
/// Beyond the schema it checks what only the pipeline knows: the record key, size, clock skew and currency.
/// </summary>
public sealed class EventReader(EventLimits limits)
{
    private const int MaxIdLength = 128;
    private const int MaxLabelLength = 64;

    /// <summary>The longest customerId a valid event has (in chars, which are ASCII bytes).</summary>
    public const int MaxCustomerIdLength = MaxLabelLength;

    public EventLimits Limits { get; } = limits;

    /// <param name="payload">The record value.</param>
    /// <param name="kind">The contract the topic carries.</param>
    /// <param name="key">The record key, which must equal <c>customerId</c>; null when the record had none.</param>
    /// <param name="recordTime">The record's own timestamp, the reference for "implausibly far in the future".</param>
    public EventParseResult Read(ReadOnlySpan<byte> payload, EventKind kind, string? key, DateTimeOffset recordTime) =>
        Read(payload, kind, key is null ? null : System.Text.Encoding.UTF8.GetBytes(key), recordTime);

    /// <param name="payload">The record value.</param>
    /// <param name="kind">The contract the topic carries.</param>
    /// <param name="utf8Key">The record key's bytes, which must be the UTF-8 of <c>customerId</c>; null when the record had none.</param>
    /// <param name="recordTime">The record's own timestamp, the reference for "implausibly far in the future".</param>
    public EventParseResult Read(ReadOnlySpan<byte> payload, EventKind kind, byte[]? utf8Key, DateTimeOffset recordTime) =>
        Read(payload, kind, utf8Key, utf8Key is not null, recordTime);

    /// <param name="payload">The record value.</param>
    /// <param name="kind">The contract the topic carries.</param>
    /// <param name="utf8Key">The record key's bytes, which must be the UTF-8 of <c>customerId</c>.</param>
    /// <param name="hasKey">False when the record had no key (as opposed to an empty one).</param>
    /// <param name="recordTime">The record's own timestamp, the reference for "implausibly far in the future".</param>
    /// <param name="knownCustomerId">A customerId string the caller already holds for this record (a cached
    /// customer's): the event shares it instead of a new string when the payload's customerId has the same chars.</param>
    public EventParseResult Read(ReadOnlySpan<byte> payload, EventKind kind, ReadOnlySpan<byte> utf8Key, bool hasKey, DateTimeOffset recordTime,
        string? knownCustomerId = null)
    {
        var fields = new Fields { KnownCustomerId = knownCustomerId, ConfiguredCurrency = Limits.Currency };
        var detail = Validate(payload, kind, utf8Key, hasKey, recordTime, ref fields, out var reason);
        return detail is null ? EventParseResult.Valid(fields.ToEvent()) : EventParseResult.Rejected(reason, detail);
    }

    /// <summary>
    /// Validates like <see cref="Read(ReadOnlySpan{byte}, EventKind, ReadOnlySpan{byte}, bool, DateTimeOffset, string?)"/>
    /// (the same verdicts, reasons and details) but gives only what customer state takes from a valid event, with
    /// no <see cref="CustomerEvent"/> and no strings for the event id, order and invoice ids or product category.
    /// </summary>
    public FactsParseResult ReadFacts(ReadOnlySpan<byte> payload, EventKind kind, ReadOnlySpan<byte> utf8Key, bool hasKey, DateTimeOffset recordTime,
        string? knownCustomerId = null)
    {
        var fields = new Fields { KnownCustomerId = knownCustomerId, ConfiguredCurrency = Limits.Currency, FactsOnly = true };
        var detail = Validate(payload, kind, utf8Key, hasKey, recordTime, ref fields, out var reason);
        return detail is null ? FactsParseResult.Valid(fields.ToFacts()) : FactsParseResult.Rejected(reason, detail);
    }

    /// <summary>Reads <paramref name="payload"/> into <paramref name="fields"/>; null when valid, otherwise why not.</summary>
    private string? Validate(ReadOnlySpan<byte> payload, EventKind kind, ReadOnlySpan<byte> utf8Key, bool hasKey, DateTimeOffset recordTime,
        ref Fields fields, out RejectReason reason)
    {
        reason = RejectReason.SchemaViolation;
        if (payload.Length > Limits.MaxEventBytes)
        {
            reason = RejectReason.Oversize;
            return $"{payload.Length} bytes exceeds the {Limits.MaxEventBytes}-byte limit";
        }

        string? error;
        try
        {
            error = ReadFields(payload, ref fields);
        }
        catch (JsonException ex)
        {
            reason = RejectReason.NotJson;
            return ex.Message;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
        {
            // The reader checks a string's UTF-8 only when it is copied out; JSON text must be UTF-8 (RFC 8259).
            reason = RejectReason.NotJson;
            return "a string value is not valid UTF-8";
        }

        error ??= CheckContract(ref fields, kind);
        if (error is not null)
        {
            reason = fields.VersionError ? RejectReason.UnknownVersion : RejectReason.SchemaViolation;
            return error;
        }

        if (!hasKey || !KeyMatches(utf8Key, fields.CustomerId!))
        {
            reason = RejectReason.KeyMismatch;
            return hasKey ? "record key differs from customerId" : "record has no key";
        }

        if (fields.OccurredAt > recordTime + Limits.MaxFutureSkew)
        {
            reason = RejectReason.FutureTimestamp;
            return $"occurredAt is {(fields.OccurredAt.Value - recordTime).TotalMinutes:F0} minutes after the record timestamp (limit {Limits.MaxFutureSkew.TotalMinutes:F0})";
        }

        if (fields.Currency is not null && !string.Equals(fields.Currency, Limits.Currency, StringComparison.Ordinal))
        {
            reason = RejectReason.UnsupportedCurrency;
            return $"currency {fields.Currency} is not the configured {Limits.Currency}";
        }
        return null;
    }

    private static bool KeyMatches(ReadOnlySpan<byte> utf8Key, string customerId)
    {
        // customerId is ASCII by contract, so its UTF-8 bytes are its chars.
        if (utf8Key.Length != customerId.Length) return false;
        for (var i = 0; i < utf8Key.Length; i++)
        {
            if (utf8Key[i] != customerId[i]) return false;
        }
        return true;
    }

    private static string? ReadFields(ReadOnlySpan<byte> payload, ref Fields f)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            // A bare value parses as JSON but is no event object.
            SkipToEnd(ref reader);
            return "event must be a JSON object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Contract.Lookup(ref reader);
            reader.Read();
            var error = ReadField(ref reader, property, ref f);
            if (error is not null)
            {
                SkipToEnd(ref reader);
                return error;
            }
        }
        // Anything after the object is malformed JSON: Read throws on it.
        while (reader.Read()) { }
        return null;
    }

    private static void SkipToEnd(ref Utf8JsonReader reader)
    {
        // Finish reading so that malformed JSON is reported as such even after a contract error.
        while (reader.Read()) { }
    }

    private static string? ReadField(ref Utf8JsonReader r, Contract.Property property, ref Fields f)
    {
        if (property == Contract.Property.Unknown)
            return "an unknown property is not part of the contract";
        var bit = 1u << (int)property;
        if ((f.Seen & bit) != 0)
            return $"property '{Contract.Name(property)}' appears twice";
        f.Seen |= bit;
        var name = Contract.Name(property);

        switch (property)
        {
            case Contract.Property.SchemaVersion:
                if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out var version))
                    return "schemaVersion must be an integer";
                if (version != CustomerEvent.CurrentSchemaVersion)
                {
                    f.VersionError = true;
                    return $"schemaVersion {version} is not supported (this build reads {CustomerEvent.CurrentSchemaVersion})";
                }
                f.SchemaVersion = (int)version;
                return null;
            case Contract.Property.EventId:
                return f.FactsOnly ? ReadFingerprint(ref r, name, out f.Fingerprint) : ReadString(ref r, name, 1, MaxIdLength, out f.EventId);
            case Contract.Property.CustomerId:
                return ReadCustomerId(ref r, name, f.KnownCustomerId, out f.CustomerId);
            case Contract.Property.OccurredAt:
                return ReadTimestamp(ref r, out f.OccurredAt);
            case Contract.Property.Type:
                if (r.TokenType != JsonTokenType.String)
                    return "type must be a string";
                if (!TryReadType(ref r, out var type))
                    return $"type '{r.GetString()}' is not a known event type";
                f.Type = type;
                return null;
            case Contract.Property.Channel:
                if (r.TokenType == JsonTokenType.String)
                {
                    // A fixed vocabulary: hand out the shared string rather than allocating one per event.
                    foreach (var channel in Channels)
                    {
                        if (r.ValueTextEquals(channel))
                        {
                            f.Channel = channel;
                            return null;
                        }
                    }
                }
                return $"channel must be one of {string.Join(", ", Channels)}";
            case Contract.Property.DurationSeconds:
                return ReadInt(ref r, name, 0, 86_400, out f.DurationSeconds);
            case Contract.Property.ComplaintCategory:
                f.ComplaintCategory = r.TokenType == JsonTokenType.String ? ParseCategory(r.GetString()!) : null;
                return f.ComplaintCategory is null ? "complaintCategory must be one of billing, product, service, delivery, other" : null;
            case Contract.Property.Resolved:
                if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    return "resolved must be a boolean";
                f.Resolved = r.GetBoolean();
                return null;
            case Contract.Property.Nps:
                return ReadInt(ref r, name, 0, 10, out f.Nps);
            case Contract.Property.Amount:
                return ReadMoney(ref r, name, 0, Money.MaxAmount, out f.Amount);
            case Contract.Property.Margin:
                return ReadMoney(ref r, name, -Money.MaxAmount, Money.MaxAmount, out f.Margin);
            case Contract.Property.Currency:
                return ReadCurrency(ref r, name, f.ConfiguredCurrency, out f.Currency);
            case Contract.Property.OrderId:
                return f.FactsOnly ? CheckString(ref r, name, 1, MaxIdLength) : ReadString(ref r, name, 1, MaxIdLength, out f.OrderId);
            case Contract.Property.InvoiceId:
                return f.FactsOnly ? ReadFingerprint(ref r, name, out f.InvoiceKey) : ReadString(ref r, name, 1, MaxIdLength, out f.InvoiceId);
            case Contract.Property.ProductCategory:
                return f.FactsOnly ? CheckString(ref r, name, 1, MaxLabelLength) : ReadString(ref r, name, 1, MaxLabelLength, out f.ProductCategory);
            case Contract.Property.Quantity:
                return ReadInt(ref r, name, 1, 1_000_000, out f.Quantity);
            case Contract.Property.DueDate:
                return ReadDate(ref r, name, out f.DueDate);
            case Contract.Property.CustomerType:
                f.CustomerType = r.TokenType == JsonTokenType.String ? ParseCustomerType(r.GetString()!) : null;
                return f.CustomerType is null ? "customerType must be one of individual, enterprise, government" : null;
            case Contract.Property.Industry:
                return ReadString(ref r, name, 1, MaxLabelLength, out f.Industry);
            case Contract.Property.Region:
                return ReadString(ref r, name, 1, MaxLabelLength, out f.Region);
            case Contract.Property.SignupDate:
                return ReadDate(ref r, name, out f.SignupDate);
            default:
                throw new InvalidOperationException($"property '{name}' has no reader");
        }
    }

    private static string? CheckContract(ref Fields f, EventKind kind)
    {
        if (f.SchemaVersion is null) return "schemaVersion is required";
        if (!f.Has(Contract.Property.EventId)) return "eventId is required";
        if (f.CustomerId is null) return "customerId is required";
        if (f.OccurredAt is null) return "occurredAt is required";
        if (f.Type is not { } type) return "type is required";
        if (type.Kind() != kind) return $"type '{type.WireName()}' does not belong on the {kind.LowerName()} topic";

        // Properties of another contract are additional properties for this one.
        var foreign = f.Seen & ~Contract.AllowedMask(kind);
        if (foreign != 0)
            return $"property '{Contract.Name((Contract.Property)System.Numerics.BitOperations.TrailingZeroCount(foreign))}' is not part of the {kind.LowerName()} contract";

        return type switch
        {
            EventType.Complaint when f.ComplaintCategory is null => "a complaint needs complaintCategory",
            EventType.Complaint when f.Resolved is null => "a complaint needs resolved",
            EventType.SurveyResponse when f.Nps is null => "a survey_response needs nps",
            _ when kind == EventKind.Transaction && f.Amount is null => $"a {type.WireName()} needs amount",
            _ when kind == EventKind.Transaction && f.Currency is null => $"a {type.WireName()} needs currency",
            EventType.Purchase or EventType.Refund when !f.Has(Contract.Property.OrderId) => $"a {type.WireName()} needs orderId",
            EventType.PaymentDue or EventType.PaymentReceived when !f.Has(Contract.Property.InvoiceId) => $"a {type.WireName()} needs invoiceId",
            EventType.PaymentDue when f.DueDate is null => "a payment_due needs dueDate",
            _ => null,
        };
    }

    internal static readonly string[] Channels = ["web", "app", "email", "phone", "chat", "store", "other"];

    private static bool IsCustomerId(ReadOnlySpan<char> id)
    {
        if (!char.IsAsciiLetterOrDigit(id[0])) return false;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-')) return false;
        }
        return true;
    }

    /// <summary>
    /// Reads and checks a customerId; a valid one with the chars of <paramref name="known"/> is that instance,
    /// so a cached customer's events take no string of their own.
    /// </summary>
    private static string? ReadCustomerId(ref Utf8JsonReader r, string name, string? known, out string? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        Span<char> buffer = stackalloc char[MaxLabelLength];
        var idLength = CopyChars(ref r, buffer, out var idLonger);
        ReadOnlySpan<char> id = idLonger is null ? buffer[..idLength] : idLonger;
        if (id.Length < 1 || id.Length > MaxLabelLength) return LengthError(name, 1, MaxLabelLength);
        if (!IsCustomerId(id)) return "customerId may hold only letters, digits and . _ : @ - and must start with a letter or digit";
        value = known is not null && id.SequenceEqual(known) ? known : idLonger ?? new string(id);
        return null;
    }

    /// <summary>Reads a type name without a string per event: every event has one.</summary>
    private static bool TryReadType(ref Utf8JsonReader r, out EventType type)
    {
        type = default;
        Span<char> name = stackalloc char[EventTypes.LongestName];
        // Escapes only shorten a value, so a raw value that fits gives an unescaped one that fits.
        var rawLength = r.HasValueSequence ? r.ValueSequence.Length : r.ValueSpan.Length;
        return rawLength <= name.Length && EventTypes.TryParse(name[..r.CopyString(name)], out type);
    }

    private static ComplaintCategory? ParseCategory(string s) => s switch
    {
        "billing" => ComplaintCategory.Billing,
        "product" => ComplaintCategory.Product,
        "service" => ComplaintCategory.Service,
        "delivery" => ComplaintCategory.Delivery,
        "other" => ComplaintCategory.Other,
        _ => null,
    };

    private static CustomerType? ParseCustomerType(string s) => s switch
    {
        "individual" => CustomerType.Individual,
        "enterprise" => CustomerType.Enterprise,
        "government" => CustomerType.Government,
        _ => null,
    };

    private static string? ReadString(ref Utf8JsonReader r, string name, int min, int max, out string? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        var s = r.GetString()!;
        if (s.Length < min || s.Length > max) return LengthError(name, min, max);
        value = s;
        return null;
    }

    /// <summary>
    /// Copies the string value's unescaped chars into <paramref name="buffer"/> and returns their count when the raw
    /// value fits it (unescaping never lengthens a value, in chars); otherwise gives them as <paramref name="longer"/>.
    /// </summary>
    private static int CopyChars(ref Utf8JsonReader r, scoped Span<char> buffer, out string? longer)
    {
        var rawLength = r.HasValueSequence ? r.ValueSequence.Length : r.ValueSpan.Length;
        longer = rawLength <= buffer.Length ? null : r.GetString()!;
        return longer?.Length ?? r.CopyString(buffer);
    }

    /// <summary>Checks a string value's length like <see cref="ReadString"/>, keeping no string.</summary>
    private static string? CheckString(ref Utf8JsonReader r, string name, int min, int max)
    {
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        Span<char> buffer = stackalloc char[MaxIdLength];
        var length = CopyChars(ref r, buffer, out _);
        return length < min || length > max ? LengthError(name, min, max) : null;
    }

    /// <summary>Checks an id (eventId, invoiceId) like <see cref="ReadString"/> and gives its fingerprint instead of a string.</summary>
    private static string? ReadFingerprint(ref Utf8JsonReader r, string name, out ulong fingerprint)
    {
        fingerprint = 0;
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        Span<char> buffer = stackalloc char[MaxIdLength];
        var idLength = CopyChars(ref r, buffer, out var idLonger);
        ReadOnlySpan<char> id = idLonger is null ? buffer[..idLength] : idLonger;
        if (id.Length < 1 || id.Length > MaxIdLength) return LengthError(name, 1, MaxIdLength);
        fingerprint = RecentEventIds.Fingerprint(id);
        return null;
    }

    /// <summary>
    /// Reads a currency code; a valid one that is the configured currency is that instance, so valid events
    /// take no string of their own (any other is rejected after the contract checks).
    /// </summary>
    private static string? ReadCurrency(ref Utf8JsonReader r, string name, string configured, out string? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        Span<char> buffer = stackalloc char[8];
        var codeLength = CopyChars(ref r, buffer, out var codeLonger);
        ReadOnlySpan<char> code = codeLonger is null ? buffer[..codeLength] : codeLonger;
        if (code.Length != 3) return LengthError(name, 3, 3);
        foreach (var c in code)
        {
            if (!char.IsAsciiLetterUpper(c)) return "currency must be an ISO 4217 code of three capital letters";
        }
        value = code.SequenceEqual(configured) ? configured : new string(code);
        return null;
    }

    private static string LengthError(string name, int min, int max) =>
        min == max ? $"{name} must be {min} characters" : $"{name} must be {min}–{max} characters";

    private static string? ReadInt(ref Utf8JsonReader r, string name, int min, int max, out int? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out var v)) return $"{name} must be an integer";
        if (v < min || v > max) return $"{name} must be between {min} and {max}";
        value = (int)v;
        return null;
    }

    private static string? ReadMoney(ref Utf8JsonReader r, string name, decimal min, decimal max, out decimal? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.Number || !r.TryGetDecimal(out var v)) return $"{name} must be a number";
        if (v < min || v > max) return $"{name} must be between {min} and {max}";
        if (!Money.HasAtMostFourDecimals(v)) return $"{name} may have at most 4 decimal places";
        value = v;
        return null;
    }

    private static string? ReadTimestamp(ref Utf8JsonReader r, out DateTimeOffset? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.String) return "occurredAt must be a string";
        // RFC 3339 requires an explicit offset; ISO 8601 without one would silently mean "local time".
        var raw = r.ValueSpan;
        if (!HasRfc3339Shape(raw) || !r.TryGetDateTimeOffset(out var ts))
            return "occurredAt must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T12:00:00Z";
        value = ts;
        return null;
    }

    internal static bool HasRfc3339Shape(ReadOnlySpan<byte> s)
    {
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        var offsetStart = s[^1] == 'Z' ? s.Length - 1 : s.Length - 6;
        if (offsetStart < 19) return false;
        if (s[^1] != 'Z' && !((s[offsetStart] == '+' || s[offsetStart] == '-') && s[^3] == ':')) return false;
        if (offsetStart == 19) return true;
        // Fraction: a dot and 1–7 digits.
        return s[19] == '.' && offsetStart - 20 is >= 1 and <= 7;
    }

    private static string? ReadDate(ref Utf8JsonReader r, string name, out DateOnly? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.String) return $"{name} must be a string";
        Span<char> buffer = stackalloc char[16];
        var sLength = CopyChars(ref r, buffer, out var sLonger);
        ReadOnlySpan<char> s = sLonger is null ? buffer[..sLength] : sLonger;
        if (s.Length != 10 || !DateOnly.TryParseExact(s, "yyyy-MM-dd", out var date)) return $"{name} must be a date yyyy-MM-dd";
        value = date;
        return null;
    }

    private struct Fields
    {
        public uint Seen;
        public bool VersionError;
        public int? SchemaVersion;
        public string? KnownCustomerId;
        public string ConfiguredCurrency;
        // Read for EventFacts: the event id as its fingerprint, and no strings that state does not keep.
        public bool FactsOnly;
        public ulong Fingerprint, InvoiceKey;
        public string? EventId, CustomerId, Channel, Currency, OrderId, InvoiceId, ProductCategory, Industry, Region;
        public DateTimeOffset? OccurredAt;
        public EventType? Type;
        public int? DurationSeconds, Nps, Quantity;
        public ComplaintCategory? ComplaintCategory;
        public bool? Resolved;
        public decimal? Amount, Margin;
        public DateOnly? DueDate, SignupDate;
        public CustomerType? CustomerType;

        public readonly bool Has(Contract.Property property) => (Seen & (1u << (int)property)) != 0;

        public readonly EventFacts ToFacts() => new()
        {
            Fingerprint = Fingerprint,
            CustomerId = CustomerId!,
            OccurredAt = OccurredAt!.Value,
            Type = Type!.Value,
            AmountUnits = Amount is { } amount ? Money.ToUnits(amount) : 0,
            Nps = Nps,
            InvoiceKey = InvoiceKey,
            DueDate = DueDate,
            CustomerType = CustomerType,
            Industry = Industry,
            Region = Region,
            SignupDate = SignupDate,
        };

        public readonly CustomerEvent ToEvent() => new()
        {
            SchemaVersion = SchemaVersion!.Value,
            EventId = EventId!,
            CustomerId = CustomerId!,
            OccurredAt = OccurredAt!.Value,
            Type = Type!.Value,
            Channel = Channel,
            DurationSeconds = DurationSeconds,
            ComplaintCategory = ComplaintCategory,
            Resolved = Resolved,
            Nps = Nps,
            Amount = Amount,
            Currency = Currency,
            OrderId = OrderId,
            InvoiceId = InvoiceId,
            DueDate = DueDate,
            ProductCategory = ProductCategory,
            Quantity = Quantity,
            Margin = Margin,
            CustomerType = CustomerType,
            Industry = Industry,
            Region = Region,
            SignupDate = SignupDate,
        };
    }
}
