using YamlDotNet.RepresentationModel;

namespace Stream.Monitor.Tests.Support;

/// <summary>Reads the repository's YAML (compose, Prometheus config and rules) as nodes, for tests that check their structure.</summary>
public static class YamlFiles
{
    /// <summary>The first document of a file, relative to the repository root.</summary>
    public static YamlMappingNode Load(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(ReferenceData.RepositoryRoot(), relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;
}
