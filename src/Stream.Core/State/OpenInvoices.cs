using Stream.Core.Analytics;
using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>One invoice a customer was billed or paid: its invoiceId's fingerprint, its due day (null: only the payment seen yet) and whether it is paid.</summary>
public readonly record struct Invoice(ulong Key, int? DueDay, bool Paid);

/// <summary>
/// A customer's recent invoices, for overdue-payment rules: a <c>payment_due</c> opens one, a <c>payment_received</c>
/// with the same invoiceId settles it, in either order. At most <see cref="Capacity"/> are kept: when full, the paid
/// invoice due earliest makes room, then the open one due earliest (a customer with more open invoices than that has
/// its oldest forgotten). Ordered by key so that equal sets encode alike.
/// </summary>
public sealed class OpenInvoices
{
    public const int Capacity = 16;

    private List<Invoice>? _invoices;

    public IReadOnlyList<Invoice> All => (IReadOnlyList<Invoice>?)_invoices ?? [];

    public void Apply(in EventFacts ev)
    {
        if (ev.InvoiceKey == 0 || ev.Type is not (EventType.PaymentDue or EventType.PaymentReceived)) return;
        Apply(ev.InvoiceKey, ev.Type == EventType.PaymentReceived, ev.DueDate is { } due ? EpochDays.Of(due) : null);
    }

    /// <summary>The due day of the oldest invoice billed and not paid; null if none.</summary>
    public int? OldestOpenDueDay()
    {
        int? oldest = null;
        if (_invoices is null) return null;
        foreach (var v in _invoices)
        {
            if (!v.Paid && v.DueDay is { } due && (oldest is null || due < oldest)) oldest = due;
        }
        return oldest;
    }

    private void Apply(ulong key, bool paid, int? dueDay)
    {
        _invoices ??= [];
        var i = _invoices.FindIndex(v => v.Key == key);
        var current = i >= 0 ? _invoices[i] : new Invoice(key, null, false);
        var updated = paid
            ? current with { Paid = true }
            // Of two due dates for one invoice, the later stands whatever their order.
            : current with { DueDay = Max(current.DueDay, dueDay) };
        if (i >= 0)
        {
            _invoices[i] = updated;
            return;
        }
        if (_invoices.Count >= Capacity) _invoices.Remove(_invoices.OrderBy(v => !v.Paid).ThenBy(v => v.DueDay ?? int.MinValue).ThenBy(v => v.Key).First());
        var at = _invoices.FindIndex(v => v.Key > key);
        _invoices.Insert(at < 0 ? _invoices.Count : at, updated);
    }

    internal void Restore(Invoice invoice) => (_invoices ??= []).Add(invoice);

    private static int? Max(int? a, int? b) => a is { } x && b is { } y ? Math.Max(x, y) : a ?? b;
}
