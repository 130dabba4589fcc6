using Stream.Core.Events;
using Stream.Core.State;
using Stream.Core.Text;

namespace Stream.Core.Analytics;

/// <summary>One group of a customer-structure view: how many customers, and their value.</summary>
public sealed record StructureGroup(string Value, int Customers, long ValueUnits);

/// <summary>One customer as the structure views see it.</summary>
public readonly record struct StructureMember(CustomerProfile? Profile, ValueTier Tier, RfmSegment? Segment, LifecycleStage Stage, long ValueUnits,
    ValueTier? Potential = null, TierOutlook? Outlook = null);

/// <summary>
/// The customer base broken down by type, region, industry, value tier, RFM segment, lifecycle stage, potential
/// tier and outlook (potential against today's tier):
/// counts and value per group. Region and industry are free text from upstream apps, so only the
/// <see cref="MaxFreeTextGroups"/> largest are named and the rest are "other"; that keeps metric labels bounded.
/// </summary>
public static class CustomerStructure
{
    public const int MaxFreeTextGroups = 20;

    public static IReadOnlyDictionary<string, IReadOnlyList<StructureGroup>> Build(IReadOnlyCollection<StructureMember> members) =>
        new Dictionary<string, IReadOnlyList<StructureGroup>>(StringComparer.Ordinal)
        {
            ["type"] = Group(members, m => (m.Profile?.CustomerType ?? CustomerType.Unknown).LowerName()),
            ["region"] = Capped(Group(members, m => m.Profile?.Region ?? "unknown")),
            ["industry"] = Capped(Group(members, m => m.Profile?.Industry ?? "unknown")),
            ["tier"] = Group(members, m => m.Tier.LowerName()),
            ["segment"] = Group(members, m => m.Segment?.DisplayName() ?? "none"),
            ["stage"] = Group(members, m => m.Stage.LowerName()),
            ["potential"] = Group(members, m => m.Potential?.LowerName() ?? "none"),
            ["outlook"] = Group(members, m => m.Outlook?.LowerName() ?? "none"),
        };

    private static List<StructureGroup> Group(IEnumerable<StructureMember> members, Func<StructureMember, string> key) =>
        members.GroupBy(key, StringComparer.Ordinal)
            .Select(g => new StructureGroup(g.Key, g.Count(), Money.Total(g.Select(m => m.ValueUnits))))
            .OrderByDescending(g => g.Customers).ThenBy(g => g.Value, StringComparer.Ordinal).ToList();

    private static List<StructureGroup> Capped(List<StructureGroup> groups)
    {
        if (groups.Count <= MaxFreeTextGroups) return groups;
        var rest = groups.Skip(MaxFreeTextGroups - 1).ToList();
        return [.. groups.Take(MaxFreeTextGroups - 1), new StructureGroup("other", rest.Sum(g => g.Customers), Money.Total(rest.Select(g => g.ValueUnits)))];
    }
}
