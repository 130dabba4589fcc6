using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Stream.Core.Text;

namespace Stream.Core.Events;

/// <summary>Serialises a <see cref="CustomerEvent"/> in the v1 wire format that <see cref="EventReader"/> reads.</summary>
public static class EventWriter
{
    public static byte[] ToUtf8(CustomerEvent ev)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(ev, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(CustomerEvent ev, IBufferWriter<byte> output)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteNumber("schemaVersion"u8, ev.SchemaVersion);
        w.WriteString("eventId"u8, ev.EventId);
        w.WriteString("customerId"u8, ev.CustomerId);
        w.WriteString("occurredAt"u8, FormatTimestamp(ev.OccurredAt));
        w.WriteString("type"u8, ev.Type.WireName());

        WriteIfSet(w, "channel"u8, ev.Channel);
        if (ev.DurationSeconds is { } duration) w.WriteNumber("durationSeconds"u8, duration);
        if (ev.ComplaintCategory is { } category) w.WriteString("complaintCategory"u8, category.LowerName());
        if (ev.Resolved is { } resolved) w.WriteBoolean("resolved"u8, resolved);
        if (ev.Nps is { } nps) w.WriteNumber("nps"u8, nps);

        if (ev.Amount is { } amount) w.WriteNumber("amount"u8, amount);
        WriteIfSet(w, "currency"u8, ev.Currency);
        WriteIfSet(w, "orderId"u8, ev.OrderId);
        WriteIfSet(w, "invoiceId"u8, ev.InvoiceId);
        if (ev.DueDate is { } due) w.WriteString("dueDate"u8, FormatDate(due));
        WriteIfSet(w, "productCategory"u8, ev.ProductCategory);
        if (ev.Quantity is { } quantity) w.WriteNumber("quantity"u8, quantity);
        if (ev.Margin is { } margin) w.WriteNumber("margin"u8, margin);

        if (ev.CustomerType is { } customerType) w.WriteString("customerType"u8, customerType.LowerName());
        WriteIfSet(w, "industry"u8, ev.Industry);
        WriteIfSet(w, "region"u8, ev.Region);
        if (ev.SignupDate is { } signup) w.WriteString("signupDate"u8, FormatDate(signup));
        w.WriteEndObject();
    }

    /// <summary>RFC 3339 in UTC with only as many fraction digits as needed.</summary>
    public static string FormatTimestamp(DateTimeOffset ts) =>
        ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string FormatDate(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void WriteIfSet(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}
