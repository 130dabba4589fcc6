namespace Stream.Core.State;

/// <summary>
/// How long re-deliveries are recognised: an event whose <c>eventId</c> was applied within <see cref="Horizon"/>
/// of event time (of its contract, for that customer) is applied once, however many events came between; at most
/// <see cref="Capacity"/> fingerprints per customer and contract are kept, the oldest arrivals going first.
/// </summary>
public readonly record struct DedupePolicy(TimeSpan Horizon, int Capacity)
{
    /// <summary>Fingerprints kept per customer and contract, at most (the encoding counts them in a byte).</summary>
    public const int MaxCapacity = 255;

    public static DedupePolicy Default { get; } = new(TimeSpan.FromHours(24), 64);

    internal long HorizonSeconds => (long)Horizon.TotalSeconds;
}
