namespace Stream.Monitor.Kafka;

/// <summary>The default <c>group.instance.id</c>: stable across restarts of one instance, distinct between instances.</summary>
public static class StaticMembership
{
    /// <summary>
    /// <c>{host}-{port}</c> of the first URL the monitor listens on; null (dynamic membership) when it has no
    /// fixed port, since then nothing tells two instances on one host apart.
    /// </summary>
    public static string? DefaultInstanceId(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null) return null;
        // Kestrel accepts wildcard hosts (http://*:5080, http://+:5080) that Uri does not parse.
        var parsable = first.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(parsable, UriKind.Absolute, out var uri) && uri.Port > 0
            ? $"{Environment.MachineName}-{uri.Port}"
            : null;
    }
}
