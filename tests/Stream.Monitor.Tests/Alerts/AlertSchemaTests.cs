using System.Text.Json.Nodes;
using Json.Schema;
using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Core.Scoring;
using Stream.Core.State;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Tests.Alerts;

/// <summary>The alert contract: its examples, and what the writer makes of the shipped rules' alerts.</summary>
[Trait("Category", "Unit")]
public sealed class AlertSchemaTests
{
    internal static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "v1", "customer-alert.schema.json"));
    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public static TheoryData<string> Examples(string validity)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "examples", "customer-alert", validity), "*.json").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples), "valid")]
    public void Valid_examples_pass(string file) => Assert.True(Accepts(Example("valid", file)), file);

    [Theory]
    [MemberData(nameof(Examples), "invalid")]
    public void Invalid_examples_fail(string file) => Assert.False(Accepts(Example("invalid", file)), file);

    /// <summary>Every shipped rule, fired and resolved, for a customer with and without tier, segment and scores: the writer's JSON passes.</summary>
    [Fact]
    public void What_the_writer_makes_of_every_shipped_rules_alerts_passes_the_schema()
    {
        var rules = RuleFile.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "alerts", "rules.yaml")));
        var statuses = new[]
        {
            new CustomerStatus(LifecycleStage.Declining, RfmSegment.CantLose, ValueTier.Premium, true),
            new CustomerStatus(LifecycleStage.New, null, null, false),
        };
        var scores = new CustomerScores(3, 0.27, 0.1, 0.3, 1.2, 41.5, 96.25, ValueTier.Growth);
        var checkedEvents = 0;
        foreach (var rule in rules.Rules)
        {
            foreach (var status in statuses)
            {
                var reading = new ConditionReading(true, ConditionState.Holds, 0.123456789, rule.Threshold?.For(status.Tier), rule.Kind == AlertRuleKind.Count ? 30 : null);
                var episode = new AlertEpisode(rule.Id, AlertPhase.Firing, 1_764_000_000_000, 1_764_086_400_000, 0, 1_764_500_000_000);
                foreach (var transition in new[] { AlertTransition.Fired, AlertTransition.Resolved })
                {
                    var json = AlertEventWriter.Serialize(AlertEvent.Of("c-42", rule, episode, transition, reading, status, status.Tier is null ? null : scores));
                    using var doc = System.Text.Json.JsonDocument.Parse(json);
                    Assert.True(Schema.Evaluate(doc.RootElement, Strict).IsValid, $"{rule.Id} {transition}: {System.Text.Encoding.UTF8.GetString(json)}");
                    var node = JsonNode.Parse(json)!;
                    Assert.Equal(AlertLifecycle.AlertId("c-42", rule.Id, 1_764_000_000_000), (string?)node["alertId"]);
                    Assert.Equal(rule.ActionFor(status.Tier), (string?)node["suggestedAction"]);
                    checkedEvents++;
                }
            }
        }
        Assert.Equal(rules.Rules.Count * 4, checkedEvents);
    }

    private static byte[] Example(string validity, string file) =>
        File.ReadAllBytes(Path.Combine(ReferenceData.RepositoryRoot(), "schemas", "examples", "customer-alert", validity, file));

    private static bool Accepts(byte[] json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return Schema.Evaluate(doc.RootElement, Strict).IsValid;
    }
}
