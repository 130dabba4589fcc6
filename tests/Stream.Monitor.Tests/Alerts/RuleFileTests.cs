using Stream.Core.Alerts;
using Stream.Core.Analytics;
using Stream.Core.Events;
using Stream.Monitor.Alerts;

namespace Stream.Monitor.Tests.Alerts;

[Trait("Category", "Unit")]
public sealed class RuleFileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Shipped => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "alerts", "rules.yaml"));

    [Fact]
    public void The_shipped_rules_validate_and_cover_every_rule_kind_with_silences_and_inhibitions_that_name_their_rules()
    {
        var set = RuleFile.Parse(Shipped);

        Assert.Equal(Enum.GetValues<AlertRuleKind>().Order(), set.Rules.Select(r => r.Kind).Distinct().Order());
        var engagement = set.Rules.Single(r => r.Id == "engagement-drop");
        Assert.Equal(AlertMetric.EngagementRatio, engagement.Metric);
        Assert.Equal(ThresholdDirection.Below, engagement.Direction);
        // Premium warns earlier (a smaller drop) than marginal.
        Assert.Equal(0.7, engagement.Threshold!.For(ValueTier.Premium));
        Assert.Equal(0.3, engagement.Threshold.For(ValueTier.Marginal));
        Assert.Equal(0.5, engagement.Threshold.For(null));
        Assert.Equal(TimeSpan.FromDays(3), engagement.For);
        Assert.NotEqual(engagement.ActionFor(ValueTier.Premium), engagement.ActionFor(ValueTier.Marginal));
        var detractor = set.Rules.Single(r => r.Id == "nps-detractor");
        Assert.Equal((EventType.SurveyResponse, 6, 1), (detractor.Event!.Value, detractor.NpsAtMost!.Value, detractor.AtLeast));
        var decline = set.Rules.Single(r => r.Id == "champion-decline");
        Assert.Equal(["at_risk", "cant_lose"], decline.To.Order());
        Assert.Contains(set.Inhibitions, i => i.SourceStage == LifecycleStage.Churned && i.TargetRuleId == "engagement-drop");
        Assert.Contains(set.Inhibitions, i => i.SourceRuleId == "payment-overdue" && i.TargetRuleId == "spend-drop");
    }

    [Theory]
    [InlineData("metric: engagement_ratio", "metric: happiness", "rule 'engagement-drop': metric 'happiness' is not one of engagement_ratio")]
    [InlineData("threshold: 0.5\n", "threshold: lots\n", "rule 'engagement-drop': threshold (line 16, column 16): ")]
    [InlineData("recover: 0.8", "recover: 0.2", "rule 'engagement-drop': recover 0.2 for default is on the firing side of its threshold 0.5")]
    [InlineData("- id: spend-drop", "- id: engagement-drop", "rule 'engagement-drop': id is used by another rule")]
    [InlineData("- id: spend-drop", "- id: Spend Drop!", "rule 'Spend Drop!': id must be 1 to 64 lowercase letters")]
    [InlineData("for: 3d", "for: three days", "rule 'engagement-drop': for 'three days' is not a duration")]
    [InlineData("tier_thresholds: { premium: 0.7, growth: 0.6, marginal: 0.3 }", "tier_thresholds: { platinum: 0.9 }", "rule 'engagement-drop': tier_thresholds.platinum is not a tier")]
    [InlineData("event: complaint", "event: complain", "rule 'complaint-burst': event 'complain' is not one of")]
    [InlineData("event: complaint", "event: login", "rule 'complaint-burst': event 'login' cannot be counted")]
    [InlineData("nps_at_most: 6", "nps_at_most: 8", "rule 'nps-detractor': nps_at_most must be 6")]
    [InlineData("at_least: 3", "at_least: 0", "rule 'complaint-burst': at_least must be a whole number of 1 or more")]
    [InlineData("to: [at_risk, cant_lose]", "to: [lost]", "rule 'champion-decline': to 'lost' is not one of")]
    [InlineData("    target: spend-drop", "    target: spend-dip", "inhibition #2: target 'spend-dip' is not a rule of this file")]
    [InlineData("kind: overdue_payment", "kind: overdue", "rule 'payment-overdue': kind 'overdue' is not one of")]
    [InlineData("    severity: info\n", "    severity: info\n    colour: red\n", "rule 'gone-quiet': colour (line 105, column 5): Property 'colour' not found")]
    [InlineData("rules:\n", "rules:\n  - id: [unclosed\n", "(line 11, column 9)")]
    public void A_bad_rule_file_is_rejected_with_the_problem_named(string find, string replace, string expected)
    {
        Assert.Contains(find, Shipped, StringComparison.Ordinal);
        var broken = ReplaceFirst(Shipped, find, replace);

        var ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse(broken));

        output.WriteLine(string.Join('\n', ex.Errors));
        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_at_once()
    {
        var ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse("""
            rules:
              - id: a
                kind: threshold
                metric: nope
                when: below
                actions: { default: act }
              - kind: count
                event: complaint
                window: 30d
                at_least: 1
                actions: { default: act }
            silences:
              - rule: a
                until: 2027-01-01T00:00:00Z
            """));

        Assert.Equal(
        [
            "rule 'a': threshold is required",
            "rule 'a': metric 'nope' is not one of " + string.Join(", ", AlertMetrics.ByName.Keys),
            "rule #2: id is required",
            "silence #1: reason is required",
        ], ex.Errors);
    }

    [Fact]
    public void A_rule_may_name_only_a_configured_webhook_endpoint()
    {
        const string Yaml = """
            rules:
              - id: a
                kind: count
                event: complaint
                window: 30d
                at_least: 1
                webhook: crm
                actions: { default: act }
            """;
        Assert.Equal("crm", RuleFile.Parse(Yaml, ["crm", "pager"]).Rules.Single().Webhook);

        var ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse(Yaml, ["pager"]));
        Assert.Equal(["rule 'a': webhook 'crm' is not an endpoint under Stream:Alerts:Webhooks:Endpoints (pager)"], ex.Errors);
        ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse(Yaml.Replace("webhook: crm", "webhook: CRM!", StringComparison.Ordinal), []));
        Assert.Equal(["rule 'a': webhook 'CRM!' is not an endpoint name (lowercase letters, digits, '-' or '_')"], ex.Errors);
    }

    [Fact]
    public void An_empty_file_has_no_rules_and_says_so()
    {
        var ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse(""));
        Assert.Equal(["rules: at least one rule is needed"], ex.Errors);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
