using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Stream.Core.State;

/// <summary>
/// Fingerprints of the last <see cref="Capacity"/> events of one contract (one topic) of a customer, for
/// applying re-delivered events once. Arrival order within one topic-partition is Kafka's offset order,
/// the same on every run and after every restart, so what this holds never depends on how the topics
/// interleave. A duplicate is caught while its original is among the last <see cref="Capacity"/> events
/// of its topic for that customer; later than that it is applied again (see docs/adr/0001).
/// </summary>
public sealed class RecentEventIds
{
    public const int Capacity = 8;

    // Ring buffer, inside this object rather than an array of its own; _next is the slot the next fingerprint overwrites.
    private Ring _ring;
    private int _next;

    [System.Runtime.CompilerServices.InlineArray(Capacity)]
    private struct Ring
    {
        private ulong _first;
    }

    public int Count { get; private set; }

    public static ulong Fingerprint(string eventId) => Fingerprint(eventId.AsSpan());

    /// <summary>The fingerprint of an event id's chars (stored in states: it must not change).</summary>
    public static ulong Fingerprint(ReadOnlySpan<char> eventId) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(eventId));

    /// <summary>True when the event was seen; otherwise remembers it and returns false.</summary>
    public bool SeenBefore(ulong fingerprint)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_ring[i] == fingerprint) return true;
        }
        Append(fingerprint);
        return false;
    }

    /// <summary>The fingerprints oldest first.</summary>
    public ulong this[int index] => _ring[(_next - Count + index + Capacity) % Capacity];

    internal void Append(ulong fingerprint)
    {
        _ring[_next] = fingerprint;
        _next = (_next + 1) % Capacity;
        if (Count < Capacity) Count++;
    }
}
