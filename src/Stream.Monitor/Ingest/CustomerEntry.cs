using StackExchange.Redis;
using Stream.Core.State;

namespace Stream.Monitor.Ingest;

/// <summary>A cached customer: its state once loaded.</summary>
internal sealed class CustomerEntry(string customerId)
{
    public string CustomerId { get; } = customerId;

    /// <summary>Its Redis key, made at its first write and kept while it is cached.</summary>
    public RedisKey? Key { get; set; }

    /// <summary>Null until the stored state (or its absence) has been read from Redis.</summary>
    public CustomerState? State { get; set; }

    /// <summary>Changed since the last write was sealed.</summary>
    public bool Dirty { get; set; }

    /// <summary>Its review timer is due; it is reviewed at the next flush.</summary>
    public bool ReviewDue { get; set; }
}
