namespace Stream.Core.State;

/// <summary>
/// The <see cref="WindowCounter"/>s of the last <see cref="Length"/> time buckets (days or weeks, by number
/// since the Unix epoch) up to the newest bucket seen. Only buckets with activity take memory: they are kept
/// as a short list in bucket order. A bucket that falls out of the last <see cref="Length"/> is dropped whole,
/// so what the ring holds depends only on the set of events, never on their order.
/// </summary>
public sealed class BucketRing(int length)
{
    public static readonly int Counters = Enum.GetValues<WindowCounter>().Length;

    private int[] _buckets = [];
    private long[] _values = [];
    // Per bucket, the counters that were ever added to: a superset of the non-zero ones, so encoding visits
    // only those instead of scanning every counter of every bucket.
    private byte[] _touched = [];
    private int _count;

    public int Length { get; } = length;

    public bool IsEmpty => _count == 0;

    /// <summary>Number of the newest bucket holding data; 0 while <see cref="IsEmpty"/>.</summary>
    public int Head => _count == 0 ? 0 : _buckets[_count - 1];

    /// <summary>Buckets with activity, oldest first.</summary>
    public ReadOnlySpan<int> Buckets => _buckets.AsSpan(0, _count);

    /// <summary>The counters of the <paramref name="index"/>-th bucket of <see cref="Buckets"/>.</summary>
    public ReadOnlySpan<long> CountersAt(int index) => _values.AsSpan(index * Counters, Counters);

    /// <summary>Bit c set: counter c of the <paramref name="index"/>-th bucket may be non-zero (clear: it is zero).</summary>
    public byte TouchedAt(int index) => _touched[index];

    public void Add(int bucket, WindowCounter counter, long amount)
    {
        // No bucket for nothing: every kept bucket then has a non-zero counter, so encoding (which
        // writes kept buckets) and decoding give back exactly this ring, head included.
        if (amount == 0 || (_count > 0 && bucket <= Head - Length)) return;
        var index = IndexOf(bucket);
        if (index < 0)
        {
            index = Insert(~index, bucket);
            if (index == _count - 1) DropOlderThan(bucket - Length + 1);
            index = IndexOf(bucket);
        }
        _values[index * Counters + (int)counter] += amount;
        _touched[index] |= (byte)(1 << (int)counter);
    }

    /// <summary>The counter summed over buckets <c>(last − count, last]</c> that the ring still holds.</summary>
    public long Sum(WindowCounter counter, int last, int count)
    {
        long sum = 0;
        var from = last - count + 1;
        for (var i = _count - 1; i >= 0 && _buckets[i] >= from; i--)
        {
            if (_buckets[i] <= last) sum += _values[i * Counters + (int)counter];
        }
        return sum;
    }

    /// <summary>Appends a bucket newer than every kept one (the codec restores oldest first).</summary>
    internal void Restore(int bucket, ReadOnlySpan<long> counters)
    {
        var index = Insert(_count, bucket);
        counters.CopyTo(_values.AsSpan(index * Counters, Counters));
        for (var c = 0; c < counters.Length; c++)
            if (counters[c] != 0) _touched[index] |= (byte)(1 << c);
    }

    private int IndexOf(int bucket)
    {
        // Most additions hit the newest bucket: search from the end.
        for (var i = _count - 1; i >= 0; i--)
        {
            if (_buckets[i] == bucket) return i;
            if (_buckets[i] < bucket) return ~(i + 1);
        }
        return ~0;
    }

    private int Insert(int index, int bucket)
    {
        if (_count == _buckets.Length)
        {
            var capacity = Math.Min(Length + 1, Math.Max(4, _count * 2));
            Array.Resize(ref _buckets, capacity);
            Array.Resize(ref _values, capacity * Counters);
            Array.Resize(ref _touched, capacity);
        }
        Array.Copy(_buckets, index, _buckets, index + 1, _count - index);
        Array.Copy(_values, index * Counters, _values, (index + 1) * Counters, (_count - index) * Counters);
        Array.Copy(_touched, index, _touched, index + 1, _count - index);
        _buckets[index] = bucket;
        Array.Clear(_values, index * Counters, Counters);
        _touched[index] = 0;
        _count++;
        return index;
    }

    private void DropOlderThan(int oldest)
    {
        var drop = 0;
        while (drop < _count && _buckets[drop] < oldest) drop++;
        if (drop == 0) return;
        Array.Copy(_buckets, drop, _buckets, 0, _count - drop);
        Array.Copy(_values, drop * Counters, _values, 0, (_count - drop) * Counters);
        Array.Copy(_touched, drop, _touched, 0, _count - drop);
        _count -= drop;
    }
}
