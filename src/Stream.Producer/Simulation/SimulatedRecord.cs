using Stream.Core.Events;

namespace Stream.Producer.Simulation;

/// <summary>
/// One record to send. <see cref="Event"/> is set for valid events (duplicates included);
/// <see cref="ExpectedReject"/> is set for deliberately invalid ones, whose bytes are in <see cref="Value"/>.
/// </summary>
public sealed record SimulatedRecord(EventKind Kind, string Key, byte[] Value, CustomerEvent? Event, RejectReason? ExpectedReject, bool IsDuplicate);
