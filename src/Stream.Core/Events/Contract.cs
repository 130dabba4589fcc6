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

    // The names' UTF-8 bytes by length: every length holds at most four, so a raw name is matched by a few
    // short byte comparisons, without copying it to chars or hashing it.
    private static readonly (byte[] Utf8, Property Property)[][] ByLength = ToByLength();

    private static (byte[] Utf8, Property Property)[][] ToByLength()
    {
        var named = Names.Select((n, i) => (Utf8: System.Text.Encoding.UTF8.GetBytes(n), Property: (Property)i)).ToArray();
        return Enumerable.Range(0, named.Max(x => x.Utf8.Length) + 1).Select(length => named.Where(x => x.Utf8.Length == length).ToArray()).ToArray();
    }

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

    /// <summary>Maps the reader's current property name; without allocating unless the name is escaped.</summary>
    public static Property Lookup(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped)
        {
            // Rare (an escaped name): the unescaped name among the names, ordinally.
            var index = Array.IndexOf(Names, reader.GetString());
            return index < 0 ? Property.Unknown : (Property)index;
        }
        var raw = reader.ValueSpan;
        if (raw.Length >= ByLength.Length) return Property.Unknown;
        foreach (var (utf8, property) in ByLength[raw.Length])
        {
            if (raw.SequenceEqual(utf8)) return property;
        }
        return Property.Unknown;
    }
}
