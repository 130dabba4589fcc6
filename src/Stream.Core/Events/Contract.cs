using System.Collections.Frozen;
using System.Text.Json;

namespace Stream.Core.Events;

/// <summary>The property names of the v1 contracts and which contract allows each.</summary>
internal static class Contract
{
    public enum Property
    {
        SchemaVersion, EventId, CustomerId, OccurredAt, Type,
        Channel, DurationSeconds, ComplaintCategory, Resolved, Nps,
        Amount, Currency, OrderId, InvoiceId, DueDate, ProductCategory, Quantity, Margin,
        CustomerType, Industry, Region, SignupDate,
        Unknown,
    }

    private static readonly string[] Names =
    [
        "schemaVersion", "eventId", "customerId", "occurredAt", "type",
        "channel", "durationSeconds", "complaintCategory", "resolved", "nps",
        "amount", "currency", "orderId", "invoiceId", "dueDate", "productCategory", "quantity", "margin",
        "customerType", "industry", "region", "signupDate",
    ];

    public static readonly int LongestPropertyName = Names.Max(n => n.Length);

    private static readonly FrozenDictionary<string, Property>.AlternateLookup<ReadOnlySpan<char>> ByName =
        Names.Select((n, i) => (n, p: (Property)i)).ToFrozenDictionary(x => x.n, x => x.p, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    private const uint Envelope = 0b11111;
    private static uint Range(Property first, Property last) => ((1u << ((int)last + 1)) - 1) & ~((1u << (int)first) - 1);

    private static readonly uint[] Allowed =
    [
        Envelope | Range(Property.Channel, Property.Nps),
        Envelope | Range(Property.Amount, Property.Margin),
        Envelope | Range(Property.CustomerType, Property.SignupDate),
    ];

    public static string Name(Property p) => Names[(int)p];

    public static uint AllowedMask(EventKind kind) => Allowed[(int)kind];

    /// <summary>Maps the reader's current property name without allocating.</summary>
    public static Property Lookup(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length)
        {
            return ByName.TryGetValue(reader.GetString()!, out var slow) ? slow : Property.Unknown;
        }
        var raw = reader.ValueSpan;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] > 0x7F) return Property.Unknown;
            buffer[i] = (char)raw[i];
        }
        return ByName.TryGetValue(buffer[..raw.Length], out var p) ? p : Property.Unknown;
    }
}
