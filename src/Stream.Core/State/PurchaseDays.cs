using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// Distinct purchase days (UTC calendar days) of one customer: the lifetime count plus a bitmap of the
/// <see cref="HorizonDays"/> days ending at the latest purchase day, so that late purchases inside the
/// horizon are recognised as same-day or new regardless of arrival order. A purchase more than the horizon
/// older than the latest one counts as a new day unless it is the first day itself.
/// </summary>
public sealed class PurchaseDays
{
    public const int HorizonDays = 512;
    internal const int Words = HorizonDays / 64;

    // Bit k of the bitmap is day (LastDay - k); inside this object rather than an array of its own.
    internal BitmapWords Bitmap;

    [System.Runtime.CompilerServices.InlineArray(Words)]
    internal struct BitmapWords
    {
        private ulong _first;
    }

    public int FirstDay { get; internal set; }
    public int LastDay { get; internal set; }
    public int DistinctDays { get; internal set; }

    /// <summary>Spend on the first purchase day (money units): the models use the mean spend of the other days.</summary>
    public long FirstDaySpendUnits { get; internal set; }

    /// <summary>Records a purchase's spend; call with <see cref="Add"/> for the same purchase. Order-free: the
    /// result is the sum of purchases on the earliest day.</summary>
    public void AddSpend(int day, long units)
    {
        if (day == FirstDay) FirstDaySpendUnits = Money.Add(FirstDaySpendUnits, units);
    }

    /// <summary>Milliseconds in a day: epoch day <c>d</c> starts at <c>d * DayMs</c> Unix ms.</summary>
    public const long DayMs = 86_400_000L;

    public static int DayNumber(long unixMs) => (int)Math.Floor(unixMs / (double)DayMs);

    /// <summary>Records a purchase on <paramref name="day"/>; true if that day had no purchase yet.</summary>
    public bool Add(int day)
    {
        if (DistinctDays == 0)
        {
            FirstDaySpendUnits = 0;
            FirstDay = LastDay = day;
            Bitmap[0] = 1;
            DistinctDays = 1;
            return true;
        }
        if (day > LastDay)
        {
            ShiftLeft(day - LastDay);
            LastDay = day;
            Bitmap[0] |= 1;
            DistinctDays++;
            return true;
        }
        var age = LastDay - day;
        if (age < HorizonDays)
        {
            ref var word = ref Bitmap[age / 64];
            var bit = 1UL << (age % 64);
            if ((word & bit) != 0) return false;
            word |= bit;
            DistinctDays++;
            if (day < FirstDay) MoveFirstDay(day);
            return true;
        }
        if (day == FirstDay) return false;
        if (day < FirstDay) MoveFirstDay(day);
        DistinctDays++;
        return true;
    }

    private void MoveFirstDay(int day)
    {
        FirstDay = day;
        FirstDaySpendUnits = 0;
    }

    /// <summary>Whether a purchase fell on <paramref name="day"/>, for days inside the horizon.</summary>
    public bool Contains(int day)
    {
        var age = LastDay - day;
        return DistinctDays > 0 && age is >= 0 and < HorizonDays && (Bitmap[age / 64] & (1UL << (age % 64))) != 0;
    }

    /// <summary>Purchase days in <c>[from, to]</c>; exact for days inside the horizon.</summary>
    public int CountDays(int from, int to)
    {
        var count = 0;
        for (var d = from; d <= to; d++)
            if (Contains(d)) count++;
        return count;
    }

    private void ShiftLeft(int by)
    {
        if (by >= HorizonDays)
        {
            ((Span<ulong>)Bitmap).Clear();
            return;
        }
        var words = by / 64;
        var bits = by % 64;
        for (var i = Words - 1; i >= 0; i--)
        {
            var src = i - words;
            var hi = src >= 0 ? Bitmap[src] << bits : 0;
            var lo = bits != 0 && src - 1 >= 0 ? Bitmap[src - 1] >> (64 - bits) : 0;
            Bitmap[i] = hi | lo;
        }
    }
}
