using System.Numerics;
using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// The <see cref="WindowCounter"/>s of the last <see cref="Length"/> time buckets (days or weeks, by number
/// since the Unix epoch) up to the newest bucket seen. Only buckets with activity take memory: they are kept
/// as a short list in bucket order. A bucket that falls out of the last <see cref="Length"/> is dropped whole,
/// so what the ring holds depends only on the set of events, never on their order.
/// </summary>
/// <remarks>
/// A bucket keeps a value only for the counters ever added to in it (a superset of its non-zero ones), packed
/// after the values of the buckets before it: most buckets hold one or two of the seven counters, and a
/// year of weekly buckets took about 2 KB as full rows of seven.
/// </remarks>
public sealed class BucketRing(int length)
{
    public static readonly int Counters = Enum.GetValues<WindowCounter>().Length;

    // Per bucket, oldest first: its number (high 32 bits), where its values start in _values (bits 8-31) and the
    // counters it holds values for (low 8 bits, bit c for counter c).
    private long[] _rows = [];
    private long[] _values = [];
    private int _count;
    private int _valueCount;

    /// <summary>Buckets kept; at most 63, so the kept buckets (one more while a new one is added) fit a 64-bit mask.</summary>
    public int Length { get; } = length is >= 1 and <= 63 ? length : throw new ArgumentOutOfRangeException(nameof(length), length, "1 to 63 buckets");

    public bool IsEmpty => _count == 0;

    /// <summary>Buckets with activity.</summary>
    public int Count => _count;

    /// <summary>Number of the newest bucket holding data; 0 while <see cref="IsEmpty"/>.</summary>
    public int Head => _count == 0 ? 0 : BucketAt(_count - 1);

    /// <summary>The number of the <paramref name="index"/>-th bucket with activity, oldest first.</summary>
    public int BucketAt(int index) => (int)(_rows[index] >> 32);

    /// <summary>Bit c set: counter c of the <paramref name="index"/>-th bucket may be non-zero (clear: it is zero).</summary>
    public byte TouchedAt(int index) => (byte)_rows[index];

    /// <summary>Counter <paramref name="counter"/> of the <paramref name="index"/>-th bucket.</summary>
    public long CounterAt(int index, WindowCounter counter)
    {
        var row = _rows[index];
        var bit = 1 << (int)counter;
        return (row & bit) == 0 ? 0 : _values[Start(row) + BitOperations.PopCount((uint)(row & (bit - 1)))];
    }

    /// <summary>The values of the <paramref name="index"/>-th bucket's touched counters (<see cref="TouchedAt"/>), in counter order.</summary>
    internal ReadOnlySpan<long> ValuesAt(int index)
    {
        var row = _rows[index];
        return _values.AsSpan(Start(row), BitOperations.PopCount((uint)(byte)row));
    }

    public void Add(int bucket, WindowCounter counter, long amount)
    {
        // No bucket for nothing: every kept bucket then has a non-zero counter, so encoding (which
        // writes kept buckets) and decoding give back exactly this ring, head included.
        if (amount == 0 || (_count > 0 && bucket <= Head - Length)) return;
        var index = IndexOf(bucket);
        if (index < 0)
        {
            index = InsertRow(~index, bucket);
            if (index == _count - 1) DropOlderThan(bucket - Length + 1);
            index = IndexOf(bucket);
        }
        var row = _rows[index];
        var bit = 1 << (int)counter;
        var slot = Start(row) + BitOperations.PopCount((uint)(row & (bit - 1)));
        if ((row & bit) == 0) InsertValue(index, bit, slot);
        _values[slot] = Money.Add(_values[slot], amount);
    }

    /// <summary>The counter summed over buckets <c>(last − count, last]</c> that the ring still holds.</summary>
    public long Sum(WindowCounter counter, int last, int count)
    {
        var (start, end) = Range(last, count);
        long sum = 0;
        for (var i = start; i < end; i++)
        {
            var value = CounterAt(i, counter);
            var next = sum + value;
            // Overflow (sums of money near long's range): saturate, as the wide sum would.
            if (((sum ^ next) & (value ^ next)) < 0) return WideSum(counter, start, end);
            sum = next;
        }
        return sum;
    }

    private long WideSum(WindowCounter counter, int start, int end)
    {
        Int128 sum = 0;
        for (var i = start; i < end; i++) sum += CounterAt(i, counter);
        return long.CreateSaturating(sum);
    }

    /// <summary><paramref name="counter"/> less <paramref name="less"/>, summed over buckets <c>(last − count, last]</c> in one pass.</summary>
    public long Difference(WindowCounter counter, WindowCounter less, int last, int count)
    {
        var (start, end) = Range(last, count);
        Int128 sum = 0;
        for (var i = start; i < end; i++) sum += (Int128)CounterAt(i, counter) - CounterAt(i, less);
        return long.CreateSaturating(sum);
    }

    /// <summary>Indexes <c>[start, end)</c> of the kept buckets numbered <c>(last − count, last]</c>, found from the newest.</summary>
    private (int Start, int End) Range(int last, int count)
    {
        var end = _count;
        while (end > 0 && BucketAt(end - 1) > last) end--;
        var start = end;
        while (start > 0 && BucketAt(start - 1) > last - count) start--;
        return (start, end);
    }

    /// <summary>Bit i set: counter <paramref name="a"/> or <paramref name="b"/> of the i-th bucket is non-zero.</summary>
    public ulong BucketsWith(WindowCounter a, WindowCounter b)
    {
        ulong rows = 0;
        for (var i = 0; i < _count; i++)
        {
            if (CounterAt(i, a) != 0 || CounterAt(i, b) != 0) rows |= 1UL << i;
        }
        return rows;
    }

    /// <summary>Appends a bucket newer than every kept one (the codec restores oldest first), holding its non-zero counters.</summary>
    internal void Restore(int bucket, ReadOnlySpan<long> counters)
    {
        var index = InsertRow(_count, bucket);
        for (var c = 0; c < counters.Length; c++)
        {
            if (counters[c] == 0) continue;
            InsertValue(index, 1 << c, _valueCount);
            _values[_valueCount - 1] = counters[c];
        }
    }

    private static int Start(long row) => (int)((row >> 8) & 0xFF_FFFF);

    private static long Row(int bucket, int start, int touched) => ((long)bucket << 32) | ((long)start << 8) | (uint)touched;

    private int IndexOf(int bucket)
    {
        // Most additions hit the newest bucket: search from the end.
        for (var i = _count - 1; i >= 0; i--)
        {
            var b = BucketAt(i);
            if (b == bucket) return i;
            if (b < bucket) return ~(i + 1);
        }
        return ~0;
    }

    /// <summary>Inserts an empty bucket at <paramref name="index"/>; its values start where the next bucket's did.</summary>
    private int InsertRow(int index, int bucket)
    {
        if (_count == _rows.Length) Array.Resize(ref _rows, Math.Min(Length + 1, Math.Max(4, _count * 2)));
        var start = index < _count ? Start(_rows[index]) : _valueCount;
        Array.Copy(_rows, index, _rows, index + 1, _count - index);
        _rows[index] = Row(bucket, start, 0);
        _count++;
        return index;
    }

    /// <summary>Makes room for counter <paramref name="bit"/> of bucket <paramref name="index"/> at <paramref name="slot"/>, zeroed.</summary>
    private void InsertValue(int index, int bit, int slot)
    {
        if (_valueCount == _values.Length) Array.Resize(ref _values, Math.Max(4, _valueCount * 2));
        Array.Copy(_values, slot, _values, slot + 1, _valueCount - slot);
        _values[slot] = 0;
        _valueCount++;
        _rows[index] |= (uint)bit;
        // The buckets after it start one value later.
        for (var i = index + 1; i < _count; i++) _rows[i] += 1L << 8;
    }

    private void DropOlderThan(int oldest)
    {
        var drop = 0;
        while (drop < _count && BucketAt(drop) < oldest) drop++;
        if (drop == 0) return;
        var values = drop < _count ? Start(_rows[drop]) : _valueCount;
        Array.Copy(_values, values, _values, 0, _valueCount - values);
        _valueCount -= values;
        Array.Copy(_rows, drop, _rows, 0, _count - drop);
        _count -= drop;
        for (var i = 0; i < _count; i++) _rows[i] -= (long)values << 8;
    }
}
