using Stream.Core.Events;

namespace Stream.Producer;

/// <summary>Thrown before sending an event the monitor would dead-letter.</summary>
public sealed class InvalidEventException(RejectReason reason, string detail)
    : Exception($"event rejected ({reason.WireName()}): {detail}")
{
    public RejectReason Reason { get; } = reason;
}
