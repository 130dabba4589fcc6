using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Stream.Core.State;

/// <summary>
/// Fingerprints of the events of one contract (one topic) of a customer applied within the dedupe horizon of
/// event time, for applying re-delivered events once (<see cref="DedupePolicy"/>). Each is kept with its event
/// time in whole seconds: an entry older than the newest event time seen less the horizon is dropped, and past
/// the policy's capacity the earliest arrival goes (an eviction inside the horizon, counted by the caller).
/// Arrival order within one topic-partition is Kafka's offset order, the same on every run and after every
/// restart, so what this holds never depends on how the topics interleave (see docs/adr/0001).
/// </summary>
public sealed class RecentEventIds
{
    private const int InitialSize = 4;

    // Entries in arrival order, the first _count of each array used; allocated when the first event comes.
    private ulong[]? _fingerprints;
    private long[]? _seconds;
    private int _count;

    /// <summary>Event time of the newest event seen, Unix seconds; entries older than this less the horizon are dropped.</summary>
    public long NewestSeconds { get; private set; } = long.MinValue;

    public int Count => _count;

    public static ulong Fingerprint(string eventId) => Fingerprint(eventId.AsSpan());

    /// <summary>The fingerprint of an event id's chars (stored in states: it must not change).</summary>
    public static ulong Fingerprint(ReadOnlySpan<char> eventId) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(eventId));

    /// <summary>Whole Unix seconds of a time in milliseconds, rounded down: the resolution entries are kept at.</summary>
    public static long SecondsOf(long ms) => Math.DivRem(ms, 1000, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>The entry at <paramref name="index"/>, in arrival order.</summary>
    public (ulong Fingerprint, long Seconds) this[int index] => (_fingerprints![index], _seconds![index]);

    /// <summary>
    /// True when the event was applied within the horizon; otherwise remembers it (unless it is already older than
    /// the horizon) and returns false. <paramref name="evicted"/> tells that the capacity pushed out an entry still
    /// inside the horizon, whose re-delivery would now be applied again.
    /// </summary>
    public bool SeenBefore(ulong fingerprint, long atMs, in DedupePolicy policy, out bool evicted)
    {
        evicted = false;
        // A re-delivery repeats its original's time, so both round alike.
        var seconds = SecondsOf(atMs);
        var horizon = policy.HorizonSeconds;
        if (_count > 0)
        {
            var live = NewestSeconds - horizon;
            for (var i = 0; i < _count; i++)
            {
                if (_fingerprints![i] == fingerprint && _seconds![i] >= live) return true;
            }
        }

        // New: the horizon moves with it, and entries it has passed are dropped.
        var newest = _count == 0 && NewestSeconds == long.MinValue ? seconds : Math.Max(NewestSeconds, seconds);
        var cutoff = newest - horizon;
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_seconds![i] < cutoff) continue;
            _fingerprints![kept] = _fingerprints[i];
            _seconds[kept++] = _seconds[i];
        }
        _count = kept;
        NewestSeconds = newest;
        if (seconds < cutoff) return false;

        if (_count >= policy.Capacity)
        {
            var drop = _count - policy.Capacity + 1;
            evicted = true;
            Array.Copy(_fingerprints!, drop, _fingerprints!, 0, _count - drop);
            Array.Copy(_seconds!, drop, _seconds!, 0, _count - drop);
            _count -= drop;
        }
        Append(fingerprint, seconds);
        return false;
    }

    /// <summary>Adds an entry as it was stored (decoding), without checks.</summary>
    internal void Append(ulong fingerprint, long seconds)
    {
        if (_fingerprints is null || _count == _fingerprints.Length)
        {
            var size = _fingerprints is null ? InitialSize : _fingerprints.Length * 2;
            Array.Resize(ref _fingerprints, size);
            Array.Resize(ref _seconds, size);
        }
        _fingerprints[_count] = fingerprint;
        _seconds![_count++] = seconds;
    }

    internal void Restore(long newestSeconds) => NewestSeconds = newestSeconds;
}
