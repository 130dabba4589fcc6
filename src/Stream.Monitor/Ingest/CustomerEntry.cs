using StackExchange.Redis;
using Stream.Core.State;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest;

/// <summary>A cached customer: its state once loaded, and whether it changed since its last write was encoded.</summary>
internal sealed class CustomerEntry(string customerId)
{
    private RedisKey? _storeKey;

    public string CustomerId { get; } = customerId;

    /// <summary>Null until the stored state (or its absence) has been read from Redis.</summary>
    public CustomerState? State { get; private set; }

    /// <summary>Changed since the last write was encoded.</summary>
    public bool Changed { get; private set; }

    /// <summary>
    /// The timer (epoch days) the partition's due set holds for it as the batch that changed it began, or as that
    /// batch sets it: the batch writes the timer only when it differs.
    /// </summary>
    public double? StoredTimerDays { get; set; }

    /// <summary>Events were applied to it since its last review.</summary>
    public bool Unreviewed { get; set; }

    public void Loaded(CustomerState? stored) => State = stored ?? new CustomerState();

    /// <summary>Marks the entry changed; true the first time since it was last written.</summary>
    public bool MarkChanged()
    {
        if (Changed) return false;
        Changed = true;
        return true;
    }

    public void MarkWritten() => Changed = false;

    /// <summary>Its Redis key, made at its first write and kept while it is cached.</summary>
    public RedisKey StoreKey(RedisKeys keys, int partition) => _storeKey ??= keys.Customer(partition, CustomerId);
}
