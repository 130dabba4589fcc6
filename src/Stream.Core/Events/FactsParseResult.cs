using System.Diagnostics.CodeAnalysis;

namespace Stream.Core.Events;

/// <summary>Either what state takes from a valid event, or the reason (and a human-readable detail) it was rejected.</summary>
public readonly record struct FactsParseResult
{
    private FactsParseResult(EventFacts facts, RejectReason reason, string? detail)
    {
        Facts = facts;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>The facts of a valid event; default otherwise.</summary>
    public EventFacts Facts { get; }
    public RejectReason Reason { get; }
    public string? Detail { get; }

    [MemberNotNullWhen(false, nameof(Detail))]
    public bool IsValid => Detail is null;

    public static FactsParseResult Valid(in EventFacts facts) => new(facts, default, null);

    public static FactsParseResult Rejected(RejectReason reason, string detail) => new(default, reason, detail);
}
