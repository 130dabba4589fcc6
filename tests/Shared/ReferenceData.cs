namespace Stream.Tests.Shared;

/// <summary>The shared reference data sets: <c>STREAM_DATA_DIR</c>, else <c>../shared/data</c> beside the repository.</summary>
public static class ReferenceData
{
    public static string PathOf(params string[] parts)
    {
        var root = Environment.GetEnvironmentVariable("STREAM_DATA_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepositoryRoot(), "..", "shared", "data");
        var path = Path.Combine([root, .. parts]);
        if (!File.Exists(path)) throw new FileNotFoundException($"reference data missing: {path} (set STREAM_DATA_DIR to the folder holding cdnow/)", path);
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Stream.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Stream.sln not found above " + AppContext.BaseDirectory);
    }
}
