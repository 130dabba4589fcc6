using System.Text.RegularExpressions;
using Stream.Monitor.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Stream.Monitor.Tests;

/// <summary>
/// docker-compose.yml and the files it mounts agree with each other and with the monitor: no one runs Docker in CI,
/// so this is what keeps "docker compose up" from breaking unnoticed.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class ComposeStackTests
{
    private static readonly string Root = ReferenceData.RepositoryRoot();
    private static readonly YamlMappingNode Services = (YamlMappingNode)YamlFiles.Load("docker-compose.yml")["services"];

    [Fact]
    public void Every_mounted_path_exists()
    {
        var mounts = Services.Children.SelectMany(s => Sequence((YamlMappingNode)s.Value, "volumes").Select(v => (Service: Scalar(s.Key), Volume: v))).ToList();
        Assert.NotEmpty(mounts);
        foreach (var (service, volume) in mounts)
        {
            var host = volume.Split(':')[0];
            if (!host.StartsWith('.')) continue;
            Assert.True(File.Exists(Path.Combine(Root, host)) || Directory.Exists(Path.Combine(Root, host)), $"{service} mounts {host}, which does not exist");
        }
    }

    [Fact]
    public void Prometheus_scrapes_the_monitor_service_on_the_port_the_monitor_listens_on()
    {
        var config = YamlFiles.Load(HostPathOf("prometheus", "/etc/prometheus/prometheus.yml"));
        var targets = ((YamlSequenceNode)config["scrape_configs"]).Cast<YamlMappingNode>()
            .SelectMany(job => ((YamlSequenceNode)job["static_configs"]).Cast<YamlMappingNode>())
            .SelectMany(c => ((YamlSequenceNode)c["targets"]).Select(Scalar)).ToList();
        var target = Assert.Single(targets);
        var (host, port) = (target.Split(':')[0], int.Parse(target.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(Services.Children.ContainsKey(host), $"Prometheus scrapes {target}, but there is no service {host}");
        Assert.Equal(port, MonitorPort());
        Assert.Contains(Sequence((YamlMappingNode)Services[host], "ports"), p => p.EndsWith(":" + port, StringComparison.Ordinal));
    }

    [Fact]
    public void Prometheus_finds_every_rule_file_its_config_loads_in_what_compose_mounts()
    {
        var config = YamlFiles.Load(HostPathOf("prometheus", "/etc/prometheus/prometheus.yml"));
        var ruleFiles = ((YamlSequenceNode)config["rule_files"]).Select(Scalar).ToList();
        Assert.NotEmpty(ruleFiles);
        foreach (var file in ruleFiles)
        {
            // Relative paths are relative to the config file's folder, as Prometheus reads them.
            var inContainer = file.StartsWith('/') ? file : "/etc/prometheus/" + file;
            var onHost = Path.Combine(Root, HostPathOf("prometheus", inContainer));
            Assert.True(File.Exists(onHost), $"Prometheus loads {inContainer}, mounted from {onHost}, which does not exist");
        }
    }

    [Fact]
    public void Grafana_reads_the_prometheus_service_and_the_mounted_dashboards()
    {
        var datasources = YamlFiles.Load(HostPathOf("grafana", "/etc/grafana/provisioning") + "/datasources/prometheus.yml");
        var url = new Uri(Scalar(((YamlMappingNode)((YamlSequenceNode)datasources["datasources"])[0])["url"]));
        Assert.True(Services.Children.ContainsKey(url.Host), $"Grafana's data source is {url}, but there is no service {url.Host}");
        Assert.Contains(Sequence((YamlMappingNode)Services[url.Host], "ports"), p => p.EndsWith(":" + url.Port, StringComparison.Ordinal));

        var providers = YamlFiles.Load(HostPathOf("grafana", "/etc/grafana/provisioning") + "/dashboards/stream.yml");
        var path = Scalar(((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)providers["providers"])[0])["options"])["path"]);
        var dashboards = Path.Combine(Root, HostPathOf("grafana", path));
        Assert.NotEmpty(Directory.GetFiles(dashboards, "*.json"));
    }

    [Fact]
    public void The_topics_service_creates_every_topic_the_monitor_uses_with_equal_input_partition_counts()
    {
        var script = string.Join('\n', Sequence((YamlMappingNode)Services["topics"], "command"));
        var inputs = Regex.Match(script, "for t in (?<topics>[^;]+); do.*?--partitions (?<n>[0-9]+)", RegexOptions.Singleline);
        Assert.True(inputs.Success, "the topics service no longer creates the input topics in one loop");
        Assert.Equal(["customer.interactions", "customer.profiles", "customer.transactions"], inputs.Groups["topics"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        var defaults = new Stream.Kafka.StreamTopics();
        foreach (var topic in new[] { defaults.DeadLetter, defaults.Changes, defaults.Alerts }) Assert.Contains("--topic " + topic, script, StringComparison.Ordinal);
    }

    /// <summary>The port in the monitor's <c>Urls</c> inside the container: the service's environment, else the image's.</summary>
    private static int MonitorPort()
    {
        var monitor = (YamlMappingNode)Services["monitor"];
        var urls = monitor.Children.TryGetValue("environment", out var env) && ((YamlMappingNode)env).Children.TryGetValue("Urls", out var u)
            ? Scalar(u)
            : UrlsInDockerfile().Match(File.ReadAllText(Path.Combine(Root, "Dockerfile"))).Groups["urls"].Value;
        return new Uri(urls.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
    }

    /// <summary>The host path a service mounts at <paramref name="containerPath"/> (or at a folder above it, plus the rest).</summary>
    private static string HostPathOf(string service, string containerPath)
    {
        foreach (var volume in Sequence((YamlMappingNode)Services[service], "volumes"))
        {
            var parts = volume.Split(':');
            if (containerPath == parts[1]) return parts[0];
            if (containerPath.StartsWith(parts[1] + "/", StringComparison.Ordinal)) return parts[0] + containerPath[parts[1].Length..];
        }
        throw new Xunit.Sdk.XunitException($"{service} mounts nothing at {containerPath}");
    }

    private static IEnumerable<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Select(Scalar) : [];

    private static string Scalar(YamlNode node) => YamlFiles.Scalar(node);

    [GeneratedRegex("ENV Urls=(?<urls>\\S+)")]
    private static partial Regex UrlsInDockerfile();
}
