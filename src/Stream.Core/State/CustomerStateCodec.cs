using Stream.Core.Events;

namespace Stream.Core.State;

/// <summary>
/// The compact binary form of <see cref="CustomerState"/> stored in Redis: a format byte, then varints,
/// with absent parts left out (a bitmask says which counts are non-zero). A typical customer takes
/// 60–200 bytes. Encoding is canonical: equal states give equal bytes.
/// </summary>
public static class CustomerStateCodec
{
    public const byte FormatVersion = 7;

    /// <summary>Upper bound of an encoded state, for sizing buffers (a ring bucket has at most 8 counters: its mask is a byte).</summary>
    public const int MaxSize = 1 + 3 * 10 + 3 + EventTypes.Count * 5 + CustomerState.AmountTypes * 10
        + 3 * 5 + 1 + PurchaseDays.Words * 8 + 3 * (1 + 10 + DedupePolicy.MaxCapacity * (8 + 10)) + 2 * 5 + (ActivityWindows.DailyLength + ActivityWindows.WeeklyLength + 2) * (5 + 1 + 8 * 10) + 1 + 3 * 256 + 3 * 10 + 8 + 3 * 5
        + 1 + CustomerAlerts.MaxEpisodes * (1 + 255 + 1 + 4 * 10) + 2 * 10 + 1 + OpenInvoices.Capacity * (1 + 8 + 5);

    private static readonly EventKind[] Kinds = Enum.GetValues<EventKind>();

    [Flags]
    private enum ProfileParts : byte
    {
        Present = 1, Industry = 2, Region = 4, SignupDate = 8,
    }

    public static byte[] Encode(CustomerState state)
    {
        Span<byte> buffer = stackalloc byte[MaxSize];
        var length = Encode(state, buffer);
        return buffer[..length].ToArray();
    }

    public static int Encode(CustomerState state, Span<byte> buffer)
    {
        var w = new VarintWriter(buffer);
        w.Byte(FormatVersion);
        w.Signed(state.FirstEventAtMs);
        w.Unsigned((ulong)(state.LastEventAtMs - state.FirstEventAtMs));
        w.Unsigned((ulong)state.EventCount);

        uint present = 0;
        for (var t = 0; t < EventTypes.Count; t++)
            if (state.Count((EventType)t) != 0) present |= 1u << t;
        w.Unsigned(present);
        for (var t = 0; t < EventTypes.Count; t++)
        {
            var type = (EventType)t;
            if ((present & (1u << t)) == 0) continue;
            w.Unsigned((ulong)state.Count(type));
            if (type.CarriesAmount()) w.Signed(state.AmountUnits(type));
        }

        var days = state.PurchaseDays;
        if (days.DistinctDays > 0)
        {
            w.Signed(days.FirstDay);
            w.Unsigned((ulong)(days.LastDay - days.FirstDay));
            w.Unsigned((ulong)days.DistinctDays);
            w.Signed(days.FirstDaySpendUnits);
            var words = PurchaseDays.Words;
            while (words > 0 && days.Bitmap[words - 1] == 0) words--;
            w.Byte((byte)words);
            for (var i = 0; i < words; i++) w.Fixed64(days.Bitmap[i]);
        }

        EncodeRing(ref w, state.Windows.Daily, PurchaseDays.DayNumber(state.LastEventAtMs));
        EncodeRing(ref w, state.Windows.Weekly, ActivityWindows.WeekOf(PurchaseDays.DayNumber(state.LastEventAtMs)));

        // Per contract: the entries in arrival order, each its fingerprint and seconds before the newest event time,
        // which is stored as seconds before the last event (0: none seen).
        var lastSecond = RecentEventIds.SecondsOf(state.LastEventAtMs);
        for (var k = 0; k < Kinds.Length; k++)
        {
            var ids = state.RecentEventIds(Kinds[k]);
            w.Byte((byte)ids.Count);
            w.Unsigned(ids.NewestSeconds == long.MinValue ? 0 : (ulong)(lastSecond - ids.NewestSeconds + 1));
            for (var i = 0; i < ids.Count; i++)
            {
                var (fingerprint, seconds) = ids[i];
                w.Fixed64(fingerprint);
                w.Unsigned((ulong)(ids.NewestSeconds - seconds));
            }
        }

        var profile = state.Profile;
        var parts = profile is null ? 0 : ProfileParts.Present
            | (profile.Industry is null ? 0 : ProfileParts.Industry)
            | (profile.Region is null ? 0 : ProfileParts.Region)
            | (profile.SignupDate is null ? 0 : ProfileParts.SignupDate);
        w.Byte((byte)parts);
        if (profile is not null)
        {
            w.Byte((byte)profile.CustomerType);
            if (profile.Industry is not null) w.Text(profile.Industry);
            if (profile.Region is not null) w.Text(profile.Region);
            if (profile.SignupDate is { } signup) w.Signed(signup.DayNumber);
            w.Signed(state.LastEventAtMs - profile.UpdatedAtMs);
            w.Fixed64(profile.UpdatedBy);
        }

        var review = state.Review;
        w.Unsigned((uint)review.StatusCode);
        if (review.Exists)
        {
            w.Signed(review.ReviewedDay);
            w.Signed(review.NextReviewDay - review.ReviewedDay);
            w.Unsigned((ulong)(review.NextReviewDay - review.TimerDay));
        }

        // Alerts: episodes (the start relative to the last event, later times to the start), then the timer.
        var alerts = state.Alerts;
        w.Byte((byte)alerts.Episodes.Count);
        foreach (var e in alerts.Episodes)
        {
            w.Text(e.RuleId);
            w.Byte((byte)e.Phase);
            w.Signed(e.StartedAtMs - state.LastEventAtMs);
            w.Signed(Relative(e.FiredAtMs, e.StartedAtMs));
            w.Signed(Relative(e.ClearedAtMs, e.StartedAtMs));
            w.Signed(Relative(e.ResolvedAtMs, e.StartedAtMs));
        }
        w.Signed(Relative(alerts.WakeAtMs, state.LastEventAtMs));
        w.Signed(Relative(state.LastInteractionAtMs, state.LastEventAtMs));

        // Invoices: flags (1 paid, 2 due day known), the key, the due day.
        var invoices = state.Invoices.All;
        w.Byte((byte)invoices.Count);
        foreach (var v in invoices)
        {
            w.Byte((byte)((v.Paid ? 1 : 0) | (v.DueDay is null ? 0 : 2)));
            w.Fixed64(v.Key);
            if (v.DueDay is { } due) w.Signed(due);
        }
        return w.Position;
    }

    public static CustomerState Decode(ReadOnlySpan<byte> data)
    {
        var r = new VarintReader(data);
        var version = r.Byte();
        if (version is not (FormatVersion or 6 or 5 or 4 or 3)) throw new FormatException($"customer state format {version} is unknown (expected {FormatVersion})");

        var state = new CustomerState { FirstEventAtMs = r.Signed() };
        state.LastEventAtMs = state.FirstEventAtMs + (long)r.Unsigned();
        state.EventCount = (long)r.Unsigned();

        var present = (uint)r.Unsigned();
        for (var t = 0; t < EventTypes.Count; t++)
        {
            var type = (EventType)t;
            if ((present & (1u << t)) == 0) continue;
            state.SetCount(type, (int)r.Unsigned());
            if (type.CarriesAmount()) state.SetAmountUnits(type, r.Signed());
        }

        if (state.Count(EventType.Purchase) > 0)
        {
            var days = state.PurchaseDays;
            days.FirstDay = (int)r.Signed();
            days.LastDay = days.FirstDay + (int)r.Unsigned();
            days.DistinctDays = (int)r.Unsigned();
            days.FirstDaySpendUnits = r.Signed();
            var words = r.Byte();
            for (var i = 0; i < words; i++) days.Bitmap[i] = r.Fixed64();
        }

        DecodeRing(ref r, state.Windows.Daily, PurchaseDays.DayNumber(state.LastEventAtMs));
        DecodeRing(ref r, state.Windows.Weekly, ActivityWindows.WeekOf(PurchaseDays.DayNumber(state.LastEventAtMs)));

        var lastSecond = RecentEventIds.SecondsOf(state.LastEventAtMs);
        foreach (var kind in Kinds)
        {
            var ids = state.RecentEventIds(kind);
            var count = r.Byte();
            if (version < 6)
            {
                // Rings of the last 8 fingerprints, without times: taken as of the last event, so they age out a horizon later.
                for (var i = 0; i < count; i++) ids.Append(r.Fixed64(), lastSecond);
                if (count > 0) ids.Restore(lastSecond);
                continue;
            }
            var newest = (long)r.Unsigned();
            if (newest != 0) ids.Restore(lastSecond - newest + 1);
            for (var i = 0; i < count; i++)
            {
                var fingerprint = r.Fixed64();
                ids.Append(fingerprint, ids.NewestSeconds - (long)r.Unsigned());
            }
        }

        var parts = (ProfileParts)r.Byte();
        if (parts.HasFlag(ProfileParts.Present))
        {
            var customerType = (CustomerType)r.Byte();
            var industry = parts.HasFlag(ProfileParts.Industry) ? r.Text() : null;
            var region = parts.HasFlag(ProfileParts.Region) ? r.Text() : null;
            DateOnly? signup = parts.HasFlag(ProfileParts.SignupDate) ? DateOnly.FromDayNumber((int)r.Signed()) : null;
            state.Profile = new CustomerProfile
            {
                CustomerType = customerType,
                Industry = industry,
                Region = region,
                SignupDate = signup,
                UpdatedAtMs = state.LastEventAtMs - r.Signed(),
                UpdatedBy = r.Fixed64(),
            };
        }
        // Format 3 has no review; format 4's timer is always set for the next review day.
        if (version >= 4)
        {
            var status = (int)r.Unsigned();
            if (status != 0)
            {
                var reviewed = (int)r.Signed();
                var next = reviewed + (int)r.Signed();
                state.Review = new ReviewRecord(status, reviewed, next, version == 4 ? next : next - (int)r.Unsigned());
            }
        }
        if (version >= 7)
        {
            var count = r.Byte();
            for (var i = 0; i < count; i++)
            {
                var rule = r.Text();
                var phase = (Alerts.AlertPhase)r.Byte();
                var started = state.LastEventAtMs + r.Signed();
                state.Alerts.Restore(new Alerts.AlertEpisode(rule, phase, started, Absolute(r.Signed(), started), Absolute(r.Signed(), started), Absolute(r.Signed(), started)));
            }
            state.Alerts.WakeAtMs = Absolute(r.Signed(), state.LastEventAtMs);
            state.LastInteractionAtMs = Absolute(r.Signed(), state.LastEventAtMs);
            var invoices = r.Byte();
            for (var i = 0; i < invoices; i++)
            {
                var flags = r.Byte();
                var key = r.Fixed64();
                state.Invoices.Restore(new Invoice(key, (flags & 2) != 0 ? (int)r.Signed() : null, (flags & 1) != 0));
            }
        }
        else if (state.Windows.LastDayWith(WindowCounter.Interactions, PurchaseDays.DayNumber(state.LastEventAtMs), 365) is { } day)
        {
            // Older formats did not keep it: the start of the last day the windows show an interaction on.
            state.LastInteractionAtMs = day * PurchaseDays.DayMs;
        }
        if (!r.AtEnd) throw new FormatException("customer state has trailing bytes");
        return state;
    }

    /// <summary>A time (0: unset) relative to a reference, shifted one away from zero so that 0 stays "unset".</summary>
    private static long Relative(long atMs, long referenceMs) => atMs == 0 ? 0 : atMs - referenceMs + (atMs >= referenceMs ? 1 : -1);

    private static long Absolute(long relative, long referenceMs) => relative == 0 ? 0 : referenceMs + relative - (relative > 0 ? 1 : -1);

    /// <summary>Ring: the number of kept buckets, then for each (newest first) its distance back from the
    /// previous one (the first from the last event's bucket), a bitmask of non-zero counters and their values.</summary>
    private static void EncodeRing(ref VarintWriter w, BucketRing ring, int reference)
    {
        w.Unsigned((ulong)ring.Count);
        var previous = reference;
        for (var i = ring.Count - 1; i >= 0; i--)
        {
            var bucket = ring.BucketAt(i);
            w.Signed(previous - bucket);
            previous = bucket;
            // Only counters ever touched have values, in counter order; the mask written names the non-zero ones exactly.
            var values = ring.ValuesAt(i);
            uint touched = ring.TouchedAt(i), mask = 0;
            var v = 0;
            for (var m = touched; m != 0; m &= m - 1, v++)
            {
                if (values[v] != 0) mask |= 1u << System.Numerics.BitOperations.TrailingZeroCount(m);
            }
            w.Byte((byte)mask);
            foreach (var value in values)
            {
                if (value != 0) w.Signed(value);
            }
        }
    }

    // Decoding scratch on the stack: a ring of this build has at most WeeklyLength buckets of Counters values.
    private const int ScratchBuckets = 64;
    private const int ScratchValues = 512;

    private static void DecodeRing(ref VarintReader r, BucketRing ring, int reference)
    {
        var n = (int)r.Unsigned();
        if (n == 0) return;
        // Larger counts than the scratch holds are not written by this build; they still decode, on the heap.
        Span<int> buckets = n <= ScratchBuckets ? stackalloc int[ScratchBuckets] : new int[n];
        var valueCount = n * BucketRing.Counters;
        Span<long> values = valueCount <= ScratchValues ? stackalloc long[ScratchValues] : new long[valueCount];
        var previous = reference;
        for (var i = 0; i < n; i++)
        {
            buckets[i] = previous - (int)r.Signed();
            previous = buckets[i];
            var mask = r.Byte();
            for (var c = 0; c < BucketRing.Counters; c++)
                values[i * BucketRing.Counters + c] = (mask & (1 << c)) != 0 ? r.Signed() : 0;
        }
        // Written newest first; restored oldest first.
        for (var i = n - 1; i >= 0; i--) ring.Restore(buckets[i], values.Slice(i * BucketRing.Counters, BucketRing.Counters));
    }
}
