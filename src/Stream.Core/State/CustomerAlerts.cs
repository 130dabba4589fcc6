using Stream.Core.Alerts;

namespace Stream.Core.State;

/// <summary>
/// A customer's alert episodes (at most one per rule, ordered by rule id so the encoding is canonical) and the
/// event time its alert timer is set for (0: none). The timer may be earlier than the episodes need, never later:
/// a timer that fires early is looked at and set again, so busy customers do not move theirs on every batch.
/// </summary>
public sealed class CustomerAlerts
{
    /// <summary>Bounds a customer's memory whatever the rule file holds.</summary>
    public const int MaxEpisodes = 32;

    private List<AlertEpisode>? _episodes;

    public IReadOnlyList<AlertEpisode> Episodes => (IReadOnlyList<AlertEpisode>?)_episodes ?? [];

    public long WakeAtMs { get; internal set; }

    public AlertEpisode? Find(string ruleId)
    {
        if (_episodes is null) return null;
        var i = IndexOf(ruleId);
        return i >= 0 ? _episodes[i] : null;
    }

    /// <summary>Keeps, replaces or (null) forgets a rule's episode; false when the customer already holds <see cref="MaxEpisodes"/> others.</summary>
    public bool Set(string ruleId, AlertEpisode? episode)
    {
        var i = _episodes is null ? -1 : IndexOf(ruleId);
        if (episode is not { } e)
        {
            if (i >= 0) _episodes!.RemoveAt(i);
            return true;
        }
        if (i >= 0)
        {
            _episodes![i] = e;
            return true;
        }
        _episodes ??= [];
        if (_episodes.Count >= MaxEpisodes) return false;
        _episodes.Insert(~i, e);
        return true;
    }

    /// <summary>Forgets every episode and the timer: what the state holds from events alone remains.</summary>
    public void Forget()
    {
        _episodes = null;
        WakeAtMs = 0;
    }

    internal void Restore(AlertEpisode episode) => (_episodes ??= []).Add(episode);

    private int IndexOf(string ruleId)
    {
        int lo = 0, hi = _episodes!.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_episodes[mid].RuleId, ruleId);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}
