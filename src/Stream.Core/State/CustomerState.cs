using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// Everything Stream keeps about one customer. Applying the same set of events in any order gives the
/// same state (counts and sums commute; first/last are min/max; dedup and profile are order-free), which
/// is what makes crash recovery and rebalancing reproducible byte for byte.
/// </summary>
public sealed class CustomerState
{
    private const int FirstAmountType = (int)EventType.Purchase;
    public const int AmountTypes = (int)EventType.PaymentReceived - FirstAmountType + 1;

    // Counts and amounts inside this object rather than arrays of their own: a cached customer is fewer objects
    // for the collector to trace and copy, and its hot fields share cache lines.
    private Counts _counts;
    private Amounts _amounts;

    [System.Runtime.CompilerServices.InlineArray(EventTypes.Count)]
    private struct Counts
    {
        private int _first;
    }

    [System.Runtime.CompilerServices.InlineArray(AmountTypes)]
    private struct Amounts
    {
        private long _first;
    }

    /// <summary>Event time of the earliest and latest applied event, Unix milliseconds; 0 before any.</summary>
    public long FirstEventAtMs { get; internal set; }
    public long LastEventAtMs { get; internal set; }

    public long EventCount { get; internal set; }

    /// <summary>Event time of the latest applied interaction, Unix milliseconds; 0 before any (absence alerts).</summary>
    public long LastInteractionAtMs { get; internal set; }
    public PurchaseDays PurchaseDays { get; } = new();
    public ActivityWindows Windows { get; } = new();
    private readonly RecentEventIds _interactionIds = new(), _transactionIds = new(), _profileIds = new();

    /// <summary>Recently applied event fingerprints of one contract.</summary>
    public RecentEventIds RecentEventIds(EventKind kind) => kind switch
    {
        EventKind.Interaction => _interactionIds,
        EventKind.Transaction => _transactionIds,
        EventKind.Profile => _profileIds,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
    public CustomerProfile? Profile { get; internal set; }

    /// <summary>Invoices billed and paid, for overdue-payment alerts.</summary>
    public OpenInvoices Invoices { get; } = new();

    /// <summary>
    /// The last review (see Scoring.CustomerReview). Unlike everything above it is not derived from events
    /// alone: it depends on when the watermark reached a review day and which model version was current.
    /// </summary>
    public ReviewRecord Review { get; set; }

    /// <summary>Alert episodes and the alert timer; like the review, they depend on when they were evaluated, not on events alone.</summary>
    public CustomerAlerts Alerts { get; } = new();

    public int Count(EventType type) => _counts[(int)type];

    /// <summary>Sum of amounts of a transaction type, in <see cref="Money"/> units.</summary>
    public long AmountUnits(EventType type) => type.CarriesAmount() ? _amounts[(int)type - FirstAmountType] : 0;

    internal void SetCount(EventType type, int value) => _counts[(int)type] = value;
    internal void SetAmountUnits(EventType type, long value) => _amounts[(int)type - FirstAmountType] = value;

    /// <summary>Applies one validated event; false when it is a re-delivery already applied.</summary>
    public bool Apply(CustomerEvent ev) => Apply(EventFacts.Of(ev));

    /// <summary>Applies what state takes from one validated event, with the default dedupe policy; false when it is a re-delivery already applied.</summary>
    public bool Apply(in EventFacts ev) => Apply(ev, DedupePolicy.Default, out _);

    /// <summary>
    /// Applies what state takes from one validated event; false when it is a re-delivery applied within the
    /// policy's horizon. <paramref name="evicted"/>: remembering it pushed out a fingerprint still inside the horizon.
    /// </summary>
    public bool Apply(in EventFacts ev, in DedupePolicy dedupe, out bool evicted)
    {
        var at = ev.OccurredAt.ToUnixTimeMilliseconds();
        if (RecentEventIds(ev.Kind).SeenBefore(ev.Fingerprint, at, dedupe, out evicted)) return false;

        if (EventCount == 0 || at < FirstEventAtMs) FirstEventAtMs = at;
        if (EventCount == 0 || at > LastEventAtMs) LastEventAtMs = at;
        EventCount++;
        _counts[(int)ev.Type]++;
        if (ev.Kind == EventKind.Interaction && at > LastInteractionAtMs) LastInteractionAtMs = at;

        if (ev.Type.CarriesAmount())
        {
            ref var amount = ref _amounts[(int)ev.Type - FirstAmountType];
            amount = Money.Add(amount, ev.AmountUnits);
        }

        var day = PurchaseDays.DayNumber(at);
        if (ev.Type == EventType.Purchase)
        {
            PurchaseDays.Add(day);
            PurchaseDays.AddSpend(day, ev.AmountUnits);
        }
        Windows.Apply(ev, day);
        Invoices.Apply(ev);

        if (ev.Type == EventType.ProfileUpdated)
        {
            var candidate = new CustomerProfile
            {
                // A profile event is a full snapshot: merging partial updates would depend on arrival order.
                CustomerType = ev.CustomerType ?? CustomerType.Unknown,
                Industry = ev.Industry,
                Region = ev.Region,
                SignupDate = ev.SignupDate,
                UpdatedAtMs = at,
                UpdatedBy = ev.Fingerprint,
            };
            if (candidate.IsNewerThan(Profile)) Profile = candidate;
        }
        return true;
    }
}
