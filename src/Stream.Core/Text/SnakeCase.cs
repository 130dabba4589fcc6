namespace Stream.Core.Text;

/// <summary>snake_case names, as rule files and metric names write them (<c>CantLose</c> is <c>cant_lose</c>).</summary>
public static class SnakeCase
{
    public static string Of(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string SnakeName<T>(this T value) where T : struct, Enum => Of(value.ToString());
}
