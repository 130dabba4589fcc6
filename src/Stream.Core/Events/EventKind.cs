namespace Stream.Core.Events;

/// <summary>The three contracts upstream apps publish, one Kafka topic each.</summary>
public enum EventKind : byte
{
    Interaction,
    Transaction,
    Profile,
}
