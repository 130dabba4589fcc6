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

    private readonly int[] _counts = new int[EventTypes.Count];
    private readonly long[] _amounts = new long[AmountTypes];

    /// <summary>Event time of the earliest and latest applied event, Unix milliseconds; 0 before any.</summary>
    public long FirstEventAtMs { get; internal set; }
    public long LastEventAtMs { get; internal set; }

    public long EventCount { get; internal set; }
    public PurchaseDays PurchaseDays { get; } = new();
    public ActivityWindows Windows { get; } = new();
    private readonly RecentEventIds[] _recentIds = [new(), new(), new()];

    /// <summary>Recently applied event fingerprints of one contract.</summary>
    public RecentEventIds RecentEventIds(EventKind kind) => _recentIds[(int)kind];
    public CustomerProfile? Profile { get; internal set; }

    /// <summary>
    /// The last review (see Scoring.CustomerReview). Unlike everything above it is not derived from events
    /// alone: it depends on when the watermark reached a review day and which model version was current.
    /// </summary>
    public ReviewRecord Review { get; set; }

    public int Count(EventType type) => _counts[(int)type];

    /// <summary>Sum of amounts of a transaction type, in <see cref="Money"/> units.</summary>
    public long AmountUnits(EventType type) => type.CarriesAmount() ? _amounts[(int)type - FirstAmountType] : 0;

    internal void SetCount(EventType type, int value) => _counts[(int)type] = value;
    internal void SetAmountUnits(EventType type, long value) => _amounts[(int)type - FirstAmountType] = value;

    /// <summary>Applies one validated event; false when it is a re-delivery already applied.</summary>
    public bool Apply(CustomerEvent ev)
    {
        var fingerprint = State.RecentEventIds.Fingerprint(ev.EventId);
        if (_recentIds[(int)ev.Kind].SeenBefore(fingerprint)) return false;
        var at = ev.OccurredAt.ToUnixTimeMilliseconds();

        if (EventCount == 0 || at < FirstEventAtMs) FirstEventAtMs = at;
        if (EventCount == 0 || at > LastEventAtMs) LastEventAtMs = at;
        EventCount++;
        _counts[(int)ev.Type]++;

        if (ev.Type.CarriesAmount() && ev.Amount is { } amount)
            _amounts[(int)ev.Type - FirstAmountType] += Money.ToUnits(amount);

        var day = PurchaseDays.DayNumber(at);
        if (ev.Type == EventType.Purchase)
        {
            PurchaseDays.Add(day);
            PurchaseDays.AddSpend(day, Money.ToUnits(ev.Amount ?? 0));
        }
        Windows.Apply(ev, day);

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
                UpdatedBy = fingerprint,
            };
            if (candidate.IsNewerThan(Profile)) Profile = candidate;
        }
        return true;
    }
}
