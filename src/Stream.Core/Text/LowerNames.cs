namespace Stream.Core.Text;

/// <summary>
/// Enum members as the lower-case names that contracts, the API, change events, metrics and CSVs use
/// (<c>Premium</c> → <c>premium</c>), made once per member rather than at every call.
/// </summary>
public static class LowerNames
{
    public static string LowerName<T>(this T value) where T : struct, Enum => Cache<T>.Names.TryGetValue(value, out var name)
        ? name
        : value.ToString().ToLowerInvariant();

    private static class Cache<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());
    }
}
