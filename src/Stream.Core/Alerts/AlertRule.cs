using Stream.Core.Analytics;
using Stream.Core.Events;

namespace Stream.Core.Alerts;

public enum AlertRuleKind
{
    /// <summary>A customer metric crosses a threshold.</summary>
    Threshold,
    /// <summary>At least N events of a type within a window (e.g. 3 complaints in 30 days, an NPS answer ≤ 6).</summary>
    Count,
    /// <summary>No purchase, or no interaction, for longer than a period or k × the customer's own interval.</summary>
    Absence,
    /// <summary>A <c>payment_due</c> not settled by a matching <c>payment_received</c> by its due date plus a grace.</summary>
    OverduePayment,
    /// <summary>Segment, tier or stage moves from one of some values to one of others.</summary>
    Transition,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>Which way a threshold is crossed.</summary>
public enum ThresholdDirection
{
    Below,
    Above,
}

/// <summary>What a transition rule watches.</summary>
public enum TransitionAttribute
{
    Segment,
    Tier,
    Stage,
}

/// <summary>What an absence rule waits for.</summary>
public enum AbsenceOf
{
    Purchase,
    Interaction,
}

/// <summary>A value that may differ per value tier; <see cref="Default"/> applies to tiers not named and to customers without a tier.</summary>
public sealed record TierValues<T>(T Default, IReadOnlyDictionary<ValueTier, T> ByTier) where T : struct
{
    public T For(ValueTier? tier) => tier is { } t && ByTier.TryGetValue(t, out var value) ? value : Default;
}

/// <summary>The customers a rule applies to; an empty list does not restrict.</summary>
public sealed record AlertScope(
    IReadOnlySet<ValueTier> Tiers,
    IReadOnlySet<RfmSegment> Segments,
    IReadOnlySet<LifecycleStage> Stages,
    IReadOnlySet<CustomerType> CustomerTypes,
    IReadOnlySet<string> Regions)
{
    public static readonly AlertScope All = new(new HashSet<ValueTier>(), new HashSet<RfmSegment>(), new HashSet<LifecycleStage>(),
        new HashSet<CustomerType>(), new HashSet<string>(StringComparer.Ordinal));
}

/// <summary>
/// One early-warning rule. Time settings are event time: <see cref="For"/> (how long the condition must hold before
/// the alert fires), <see cref="KeepFiringFor"/> (how long it stays firing after the condition clears, against
/// flapping) and <see cref="Cooldown"/> (how long after resolving before the same customer can be alerted again).
/// Only the fields of its <see cref="Kind"/> are set.
/// </summary>
public sealed record AlertRule
{
    public required string Id { get; init; }
    public required AlertRuleKind Kind { get; init; }
    public required AlertSeverity Severity { get; init; }
    public string? Description { get; init; }
    public AlertScope Scope { get; init; } = AlertScope.All;
    public TimeSpan For { get; init; }
    public TimeSpan KeepFiringFor { get; init; }
    public TimeSpan Cooldown { get; init; }

    /// <summary>The suggested action per tier; <see cref="TierValues{T}.Default"/> for the others.</summary>
    public required IReadOnlyDictionary<ValueTier, string> Actions { get; init; }
    public required string DefaultAction { get; init; }

    // Threshold
    public AlertMetric? Metric { get; init; }
    public ThresholdDirection Direction { get; init; }
    public TierValues<double>? Threshold { get; init; }

    /// <summary>Where a firing threshold alert resolves (hysteresis); the threshold itself when not set.</summary>
    public TierValues<double>? Recover { get; init; }

    // Count
    public EventType? Event { get; init; }
    public TimeSpan Window { get; init; }
    public int AtLeast { get; init; }

    /// <summary>Count only NPS answers at most this score (detractors: 6).</summary>
    public int? NpsAtMost { get; init; }

    // Absence
    public AbsenceOf? AbsenceOf { get; init; }
    public TimeSpan? After { get; init; }

    /// <summary>Absent for longer than this many times the customer's own mean interval between purchase days.</summary>
    public double? TypicalIntervalMultiple { get; init; }

    // Overdue payment
    public TimeSpan Grace { get; init; }

    // Transition
    public TransitionAttribute? Attribute { get; init; }
    public IReadOnlySet<string> From { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public IReadOnlySet<string> To { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The webhook endpoint (by its configured name) that also receives this rule's alerts; none when null.</summary>
    public string? Webhook { get; init; }

    public string ActionFor(ValueTier? tier) => tier is { } t && Actions.TryGetValue(t, out var action) ? action : DefaultAction;
}

/// <summary>Silences alerts of a rule, tier, segment or customer (any combination; an unset field matches all) until a time.</summary>
public sealed record AlertSilence(string? RuleId, ValueTier? Tier, RfmSegment? Segment, string? CustomerId, DateTimeOffset Until, string Reason);

/// <summary>While <see cref="SourceRuleId"/> fires for a customer, or while the customer is in <see cref="SourceStage"/>, <see cref="TargetRuleId"/> does not.</summary>
public sealed record AlertInhibition(string? SourceRuleId, LifecycleStage? SourceStage, string TargetRuleId);

/// <summary>A validated rule file.</summary>
public sealed record AlertRuleSet(IReadOnlyList<AlertRule> Rules, IReadOnlyList<AlertSilence> Silences, IReadOnlyList<AlertInhibition> Inhibitions)
{
    public static readonly AlertRuleSet Empty = new([], [], []);

    private readonly HashSet<string> _ids = [.. Rules.Select(r => r.Id)];

    /// <summary>The rules, those an inhibition may silence last, so their sources are stepped before them.</summary>
    public IReadOnlyList<AlertRule> EvaluationOrder { get; } =
        [.. Rules.Where(r => !Inhibitions.Any(i => i.TargetRuleId == r.Id)), .. Rules.Where(r => Inhibitions.Any(i => i.TargetRuleId == r.Id))];

    public bool Contains(string ruleId) => _ids.Contains(ruleId);

    // Made on first use (idempotent, so a race only makes it twice).
    private IReadOnlyList<AlertRule>[]? _movedBy;

    /// <summary>
    /// The rules (in <see cref="EvaluationOrder"/>) whose condition an event of this type can move, with the rules
    /// those inhibit: what is evaluated right after such an event is applied. Time moves the others; their timers and
    /// the reviews see to them.
    /// </summary>
    public IReadOnlyList<AlertRule> MovedBy(EventType type) => (_movedBy ??= MovedByType())[(int)type];

    /// <summary>
    /// The rules a review's status change can move: transitions, with the rules those inhibit. Scopes and per-tier
    /// thresholds take a new status at each rule's next evaluation, so a status found at a batch's end does not add
    /// evaluations that another batching would not make.
    /// </summary>
    public IReadOnlyList<AlertRule> MovedByStatus => (_movedBy ??= MovedByType())[EventTypes.Count];

    /// <summary>
    /// The rules a review day can move with no event: thresholds, whose metrics change as time passes (the review
    /// days are when they can), with the rules those inhibit. Counts, absences and overdue payments set their own
    /// timers for the moment theirs change.
    /// </summary>
    public IReadOnlyList<AlertRule> MovedByTime => (_movedBy ??= MovedByType())[EventTypes.Count + 1];

    /// <summary>What a review day moves when the status moved too: <see cref="MovedByTime"/> and <see cref="MovedByStatus"/>.</summary>
    public IReadOnlyList<AlertRule> MovedByTimeAndStatus => (_movedBy ??= MovedByType())[EventTypes.Count + 2];

    private IReadOnlyList<AlertRule>[] MovedByType()
    {
        var moved = new IReadOnlyList<AlertRule>[EventTypes.Count + 3];
        foreach (var type in EventTypes.All) moved[(int)type] = WithTargets(r => AlertRuleInputs.MovedBy(r, type));
        moved[EventTypes.Count] = WithTargets(r => r.Kind == AlertRuleKind.Transition);
        moved[EventTypes.Count + 1] = WithTargets(r => r.Kind == AlertRuleKind.Threshold);
        moved[EventTypes.Count + 2] = WithTargets(r => r.Kind is AlertRuleKind.Threshold or AlertRuleKind.Transition);
        return moved;
    }

    private IReadOnlyList<AlertRule> WithTargets(Func<AlertRule, bool> moves)
    {
        var ids = Rules.Where(moves).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        ids.UnionWith(Inhibitions.Where(i => i.SourceRuleId is { } s && ids.Contains(s)).Select(i => i.TargetRuleId));
        return [.. EvaluationOrder.Where(r => ids.Contains(r.Id))];
    }
}
