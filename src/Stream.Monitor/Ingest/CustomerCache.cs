using System.Runtime.InteropServices;
using Stream.Core.Events;
using Stream.Core.State;
using Stream.Monitor.Kafka;

namespace Stream.Monitor.Ingest;

/// <summary>
/// One partition's cached customers, the ones queued for loading from Redis, and the ones changed since their
/// last write. Belongs to the flush: one thread per partition touches it at a time.
/// </summary>
internal sealed class CustomerCache
{
    private readonly Dictionary<string, CustomerEntry> _entries = new(StringComparer.Ordinal);
    // Cleared, not replaced, after each batch: they keep their capacity for the next.
    private readonly List<CustomerEntry> _loading = [];
    private readonly List<CustomerEntry> _changed = [];
    private readonly List<CustomerEntry?> _byKey = [];

    public int Count => _entries.Count;

    /// <summary>Customers to read from Redis before their events can be applied.</summary>
    public IReadOnlyList<CustomerEntry> Loading => _loading;

    /// <summary>Customers changed since their last write was encoded, in the order they first changed.</summary>
    public IReadOnlyList<CustomerEntry> Changed => _changed;

    /// <summary>
    /// The entry each record's key names, queued for loading when new, or null for a key no valid event can have
    /// (a valid event's key is its customerId, ASCII by contract). Loading by key before reading lets the reader
    /// apply every event as it parses it; parsed events that waited for loads were most of what young collections
    /// promoted during a large batch.
    /// </summary>
    /// <returns>A list this cache reuses at its next call.</returns>
    public IReadOnlyList<CustomerEntry?> EntriesByKey(List<ConsumedRecord> records)
    {
        var entries = _byKey;
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> id = stackalloc char[EventReader.MaxCustomerIdLength];
        entries.Clear();
        entries.EnsureCapacity(records.Count);
        foreach (ref readonly var record in CollectionsMarshal.AsSpan(records))
        {
            var key = record.Key.Span;
            if (key.IsEmpty || key.Length > id.Length
                || System.Text.Ascii.ToUtf16(key, id, out var length) != System.Buffers.OperationStatus.Done)
            {
                entries.Add(null);
                continue;
            }
            if (!lookup.TryGetValue(id[..length], out var entry))
            {
                entry = new CustomerEntry(new string(id[..length]));
                _entries.Add(entry.CustomerId, entry);
                _loading.Add(entry);
            }
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>The entry of <paramref name="customerId"/>, queued for loading when new.</summary>
    public CustomerEntry Entry(string customerId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, customerId, out var exists);
        if (!exists)
        {
            entry = new CustomerEntry(customerId);
            _loading.Add(entry);
        }
        return entry!;
    }

    /// <summary>Installs the states read from Redis (null: none stored) for <see cref="Loading"/>, in its order.</summary>
    public void CompleteLoading(CustomerState?[] states)
    {
        for (var i = 0; i < _loading.Count; i++) _loading[i].Loaded(states[i]);
        _loading.Clear();
    }

    public void MarkChanged(CustomerEntry entry)
    {
        if (entry.MarkChanged()) _changed.Add(entry);
    }

    /// <summary>The changed entries were encoded for writing: they are clean again.</summary>
    public void ClearChanged()
    {
        foreach (var entry in _changed) entry.MarkWritten();
        _changed.Clear();
    }

    /// <summary>
    /// Forgets clean, loaded states to bound memory. Call only once every write encoded so far is acknowledged: a
    /// forgotten customer is read back from Redis, which must hold its last state.
    /// </summary>
    public void Trim()
    {
        foreach (var (id, entry) in _entries)
        {
            if (entry.State is not null && !entry.Changed) _entries.Remove(id);
        }
    }
}
