using Stream.Core.Analytics;

namespace Stream.Monitor.Structure;

/// <summary>The latest customer-structure views, with the event-time day they describe.</summary>
public sealed record StructureReport(
    DateOnly AsOf,
    int Customers,
    IReadOnlyDictionary<string, IReadOnlyList<StructureGroup>> Views,
    IReadOnlyList<TierShare> Tiers,
    DateTimeOffset ComputedAt);

/// <summary>Holds the latest report for the API; swapped whole.</summary>
public sealed class LatestStructure
{
    private StructureReport? _report;

    public StructureReport? Report => Volatile.Read(ref _report);

    internal void Set(StructureReport report) => Volatile.Write(ref _report, report);
}
