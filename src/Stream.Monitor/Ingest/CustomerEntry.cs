using Stream.Core.Events;
using Stream.Core.State;

namespace Stream.Monitor.Ingest;

/// <summary>A cached customer: its state once loaded, and events that arrived while it was loading.</summary>
internal sealed class CustomerEntry(string customerId)
{
    public string CustomerId { get; } = customerId;

    /// <summary>Null until the stored state (or its absence) has been read from Redis.</summary>
    public CustomerState? State { get; set; }

    /// <summary>Events held back, in arrival order, until <see cref="State"/> is loaded.</summary>
    public List<(CustomerEvent Event, long RecordAtMs)> Deferred { get; } = [];

    /// <summary>Changed since the last write was sealed.</summary>
    public bool Dirty { get; set; }

    /// <summary>Its review timer is due; it is reviewed at the next flush.</summary>
    public bool ReviewDue { get; set; }
}
