namespace Stream.Core.Text;

/// <summary>snake_case names, as rule files and metric names write them (<c>CantLose</c> is <c>cant_lose</c>).</summary>
public static class SnakeCase
{
    public static string Of(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>A defined value's name is made once and shared: alert rules read these for every changed customer.</summary>
    public static string SnakeName<T>(this T value) where T : struct, Enum => Names<T>.Of(value);

    private static class Names<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => SnakeCase.Of(v.ToString()));

        public static string Of(T value) => ByValue.TryGetValue(value, out var name) ? name : SnakeCase.Of(value.ToString());
    }
}
