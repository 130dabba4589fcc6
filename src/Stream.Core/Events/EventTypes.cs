using System.Collections.Frozen;

namespace Stream.Core.Events;

/// <summary>Wire names of <see cref="EventType"/> and which contract each belongs to.</summary>
public static class EventTypes
{
    public const int Count = 14;

    private static readonly string[] Names =
    [
        "login", "session", "page_view", "app_view", "email_open", "email_click", "support_contact",
        "complaint", "survey_response", "purchase", "refund", "payment_due", "payment_received", "profile_updated",
    ];

    private static readonly FrozenDictionary<string, EventType> ByName =
        Names.Select((name, i) => (name, type: (EventType)i)).ToFrozenDictionary(p => p.name, p => p.type, StringComparer.Ordinal);

    public static IReadOnlyList<EventType> All { get; } = Enum.GetValues<EventType>();

    public static string WireName(this EventType type) => Names[(int)type];

    private static readonly FrozenDictionary<string, EventType>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The longest wire name, in characters.</summary>
    public static readonly int LongestName = Names.Max(n => n.Length);

    public static bool TryParse(string name, out EventType type) => ByName.TryGetValue(name, out type);

    /// <summary>As <see cref="TryParse(string, out EventType)"/>, for a name that is not a string of its own.</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out EventType type) => ByNameSpan.TryGetValue(name, out type);

    public static EventKind Kind(this EventType type) => type switch
    {
        <= EventType.SurveyResponse => EventKind.Interaction,
        <= EventType.PaymentReceived => EventKind.Transaction,
        _ => EventKind.Profile,
    };

    /// <summary>Transaction types carry an amount; their sums are kept in state.</summary>
    public static bool CarriesAmount(this EventType type) => type.Kind() == EventKind.Transaction;
}
