using System.Diagnostics;
using System.Text.RegularExpressions;
using Stream.Monitor.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Stream.Monitor.Tests;

/// <summary>
/// The ops alerting rules (deploy/prometheus/rules): Prometheus' own promtool checks the config that loads them and
/// runs their unit tests (series in, alerts out); every rule has a summary, a description and a runbook section,
/// and is tested both firing and not firing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class OpsRulesTests
{
    private static readonly string Root = ReferenceData.RepositoryRoot();
    private static readonly string Rules = Path.Combine(Root, "deploy", "prometheus", "rules");

    [Fact]
    public void Promtool_accepts_the_config_and_the_rules_and_their_unit_tests_pass()
    {
        var check = Promtool("check", "config", Path.Combine(Root, "deploy", "prometheus", "prometheus.yml"));
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 11 rules found", check.Output, StringComparison.Ordinal);
        var test = Promtool("test", "rules", Path.Combine(Rules, "stream.rules.test.yml"));
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public void Every_rule_has_its_annotations_a_runbook_section_and_a_firing_and_a_quiet_test()
    {
        var rules = Load("stream.rules.yml")["groups"].AllNodes.OfType<YamlMappingNode>().Where(n => n.Children.ContainsKey("alert")).ToList();
        var runbook = File.ReadAllText(Path.Combine(Root, "docs", "operations.md"));
        var cases = ((YamlSequenceNode)Load("stream.rules.test.yml")["tests"]).Cast<YamlMappingNode>()
            .SelectMany(t => ((YamlSequenceNode)t["alert_rule_test"]).Cast<YamlMappingNode>())
            .Select(c => (Alert: Scalar(c["alertname"]), Fires: ((YamlSequenceNode)c["exp_alerts"]).Children.Count > 0)).ToList();
        Assert.Equal(11, rules.Count);
        foreach (var rule in rules)
        {
            var name = Scalar(rule["alert"]);
            var annotations = (YamlMappingNode)rule["annotations"];
            foreach (var key in new[] { "summary", "description", "runbook" }) Assert.True(annotations.Children.ContainsKey(key), $"{name} has no {key}");
            Assert.Equal($"docs/operations.md#{name.ToLowerInvariant()}", Scalar(annotations["runbook"]));
            Assert.Matches(new Regex($"^### {name}$", RegexOptions.Multiline), runbook);
            Assert.True(cases.Any(c => c.Alert == name && c.Fires), $"{name} is never tested firing");
            Assert.True(cases.Any(c => c.Alert == name && !c.Fires), $"{name} is never tested quiet");
        }
    }

    private static YamlMappingNode Load(string file) => YamlFiles.Load(Path.Combine("deploy", "prometheus", "rules", file));

    private static string Scalar(YamlNode node) => YamlFiles.Scalar(node);

    private static (int ExitCode, string Output) Promtool(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (scripts/test.sh installs it)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors.Result);
    }
}
