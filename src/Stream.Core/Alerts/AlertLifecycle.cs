using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Stream.Core.Alerts;

/// <summary>Where a rule's condition stands for a customer at a moment of event time.</summary>
public enum ConditionState : byte
{
    /// <summary>The firing condition holds.</summary>
    Holds,
    /// <summary>Neither holds nor recovered: between the threshold and its recovery threshold (hysteresis).</summary>
    Between,
    /// <summary>Recovered: a firing alert may resolve.</summary>
    Clear,
}

public enum AlertPhase : byte
{
    /// <summary>The condition holds, for less than the rule's <c>for</c>.</summary>
    Pending,
    Firing,
    /// <summary>Resolved, within the rule's cooldown: no new episode starts.</summary>
    Cooling,
}

public enum AlertTransition : byte
{
    None,
    Fired,
    Resolved,
}

/// <summary>
/// One customer's episode of one rule, kept in the customer's state. Times are event time (Unix ms); 0 is unset.
/// <see cref="StartedAtMs"/> (when the condition began to hold) names the episode: <see cref="AlertLifecycle.AlertId"/>.
/// </summary>
public readonly record struct AlertEpisode(string RuleId, AlertPhase Phase, long StartedAtMs, long FiredAtMs, long ClearedAtMs, long ResolvedAtMs);

/// <summary>The episode after a step (null: none is kept), what changed, and when the lifecycle must look again without new events.</summary>
public readonly record struct LifecycleStep(AlertEpisode? Episode, AlertTransition Transition, long? WakeAtMs);

/// <summary>
/// pending → firing → resolved per (customer, rule), in event time, so replaying the same events steps the same way.
/// An episode starts pending when the condition holds and fires once it has held for the rule's <c>for</c>; it
/// resolves once the condition is clear (recovered, not merely off its threshold) and has stayed clear for
/// <c>keep_firing_for</c>; after resolving, no new episode starts for <c>cooldown</c>. Times a step waits for are
/// returned as <see cref="LifecycleStep.WakeAtMs"/>: the event-time timer the caller sets.
/// </summary>
public static class AlertLifecycle
{
    public static LifecycleStep Step(AlertRule rule, AlertEpisode? episode, ConditionState condition, long atMs)
    {
        var forMs = Ms(rule.For);
        switch (episode)
        {
            case null:
                return condition == ConditionState.Holds ? Start(rule.Id, atMs, forMs, atMs) : new LifecycleStep(null, AlertTransition.None, null);

            case { Phase: AlertPhase.Cooling } e:
                var coolUntil = e.ResolvedAtMs + Ms(rule.Cooldown);
                if (atMs < coolUntil) return new LifecycleStep(e, AlertTransition.None, condition == ConditionState.Holds ? coolUntil : null);
                // A condition that held during the cooldown asked to be looked at again as it ends (the wake above).
                return condition == ConditionState.Holds ? Start(rule.Id, atMs, forMs, atMs) : new LifecycleStep(null, AlertTransition.None, null);

            case { Phase: AlertPhase.Pending } e:
                if (condition != ConditionState.Holds) return new LifecycleStep(null, AlertTransition.None, null);
                var due = e.StartedAtMs + forMs;
                return atMs >= due
                    ? new LifecycleStep(e with { Phase = AlertPhase.Firing, FiredAtMs = due }, AlertTransition.Fired, null)
                    : new LifecycleStep(e, AlertTransition.None, due);

            case { Phase: AlertPhase.Firing } e:
                if (condition != ConditionState.Clear) return new LifecycleStep(e with { ClearedAtMs = 0 }, AlertTransition.None, null);
                var cleared = e.ClearedAtMs > 0 ? e.ClearedAtMs : atMs;
                var resolveAt = cleared + Ms(rule.KeepFiringFor);
                // No timer for the end of the cooldown: a condition that holds during it asks for one (the Cooling case).
                return atMs >= resolveAt
                    ? new LifecycleStep(e with { Phase = AlertPhase.Cooling, ClearedAtMs = cleared, ResolvedAtMs = resolveAt }, AlertTransition.Resolved, null)
                    : new LifecycleStep(e with { ClearedAtMs = cleared }, AlertTransition.None, resolveAt);

            default:
                throw new ArgumentOutOfRangeException(nameof(episode));
        }
    }

    /// <summary>
    /// The alert's id: a hash of customer, rule and the event time its episode began, so the same events give the
    /// same ids in every replay, and the fired and resolved events of one episode share it.
    /// </summary>
    public static string AlertId(string customerId, string ruleId, long startedAtMs) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{customerId}\n{ruleId}\n{startedAtMs.ToString(CultureInfo.InvariantCulture)}")).ToString("x16", CultureInfo.InvariantCulture);

    private static LifecycleStep Start(string ruleId, long startedAtMs, long forMs, long atMs)
    {
        var pending = new AlertEpisode(ruleId, AlertPhase.Pending, startedAtMs, 0, 0, 0);
        var due = startedAtMs + forMs;
        return atMs >= due
            ? new LifecycleStep(pending with { Phase = AlertPhase.Firing, FiredAtMs = due }, AlertTransition.Fired, null)
            : new LifecycleStep(pending, AlertTransition.None, due);
    }

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;
}
