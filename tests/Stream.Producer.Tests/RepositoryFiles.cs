namespace Stream.Producer.Tests;

/// <summary>Finds files of this repository (schemas, examples) from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stream.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Stream.sln not found above " + AppContext.BaseDirectory);
    }
}
