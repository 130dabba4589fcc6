using Stream.Core.Text;

namespace Stream.Monitor.Alerts;

/// <summary>snake_case names of an enum's values, as rule files write them (<c>CantLose</c> is <c>cant_lose</c>).</summary>
internal static class SnakeNames<T> where T : struct, Enum
{
    public static readonly IReadOnlyDictionary<string, T> ByName = Enum.GetValues<T>().Distinct()
        .ToDictionary(v => v.SnakeName(), v => v, StringComparer.Ordinal);

    public static string List => string.Join(", ", ByName.Keys);
}
