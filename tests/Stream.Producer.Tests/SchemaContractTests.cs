using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Stream.Core.Events;
using Stream.Producer.Simulation;

namespace Stream.Producer.Tests;

/// <summary>The JSON Schemas in schemas/ and the C# reader must agree on every event.</summary>
[Trait("Category", "Unit")]
public sealed class SchemaContractTests
{
    private static readonly Dictionary<EventKind, JsonSchema> Schemas = new()
    {
        [EventKind.Interaction] = JsonSchema.FromFile(RepoPath("schemas", "v1", "interaction.schema.json")),
        [EventKind.Transaction] = JsonSchema.FromFile(RepoPath("schemas", "v1", "transaction.schema.json")),
        [EventKind.Profile] = JsonSchema.FromFile(RepoPath("schemas", "v1", "customer-profile.schema.json")),
    };

    private static string RepoPath(params string[] parts) => Path.Combine([ReferenceData.RepositoryRoot(), .. parts]);

    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
    private static readonly EventReader Reader = new(new EventLimits { MaxFutureSkew = TimeSpan.FromDays(36_500) });
    private static readonly DateTimeOffset RecordTime = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Examples(string validity)
    {
        var data = new TheoryData<string, string>();
        foreach (var contract in new[] { "interaction", "transaction", "customer-profile" })
            foreach (var file in Directory.GetFiles(RepoPath("schemas", "examples", contract, validity), "*.json").Order())
                data.Add(contract, Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples), "valid")]
    public void Valid_examples_pass_the_schema_and_the_reader(string contract, string file)
    {
        var json = File.ReadAllBytes(RepoPath("schemas", "examples", contract, "valid", file));
        var kind = KindOf(contract);
        Assert.True(SchemaAccepts(kind, json), $"schema rejects {contract}/{file}");
        var result = BothReads.Read(Reader, json, kind, CustomerIdOf(json), RecordTime);
        Assert.True(result.IsValid, result.Detail);
    }

    [Theory]
    [MemberData(nameof(Examples), "invalid")]
    public void Invalid_examples_fail_the_schema_and_the_reader(string contract, string file)
    {
        var json = File.ReadAllBytes(RepoPath("schemas", "examples", contract, "invalid", file));
        var kind = KindOf(contract);
        Assert.False(SchemaAccepts(kind, json), $"schema accepts {contract}/{file}");
        var result = BothReads.Read(Reader, json, kind, CustomerIdOf(json), RecordTime);
        Assert.False(result.IsValid);
        Assert.Contains(result.Reason, new[] { RejectReason.SchemaViolation, RejectReason.UnknownVersion });
    }

    [Fact]
    public void Every_simulated_event_of_every_type_passes_the_schema()
    {
        var records = new CustomerSimulator(new SimulationOptions { Customers = 300, Seed = 3, Start = RecordTime.AddDays(-365) }).Records().Take(20_000).ToList();
        Assert.Equal(EventTypes.Count, records.Select(r => r.Event!.Type).Distinct().Count());
        foreach (var r in records)
        {
            Assert.True(SchemaAccepts(r.Kind, r.Value), Encoding.UTF8.GetString(r.Value));
            Assert.True(BothReads.Read(Reader, r.Value, r.Kind, r.Key, RecordTime).IsValid);
        }
    }

    /// <summary>
    /// Drift check by mutation: for sample events of every type, drop each property, blank each string,
    /// and put a wrong-typed value in each property; the schema and the reader must give the same verdict.
    /// </summary>
    [Fact]
    public void Schema_and_reader_agree_on_mutated_events()
    {
        var samples = new CustomerSimulator(new SimulationOptions { Customers = 200, Seed = 9, Start = RecordTime.AddDays(-365) })
            .Records().Take(20_000).GroupBy(r => r.Event!.Type).Select(g => g.First()).ToList();
        var mutations = 0;
        foreach (var sample in samples)
        {
            var original = JsonNode.Parse(sample.Value)!.AsObject();
            foreach (var property in original.Select(p => p.Key).ToList())
            {
                foreach (var mutated in Mutations(original, property))
                {
                    var bytes = Encoding.UTF8.GetBytes(mutated.ToJsonString());
                    var schema = SchemaAccepts(sample.Kind, bytes);
                    var reader = BothReads.Read(Reader, bytes, sample.Kind, sample.Key, RecordTime);
                    Assert.True(schema == reader.IsValid, $"schema {(schema ? "accepts" : "rejects")} but reader {(reader.IsValid ? "accepts" : "rejects: " + reader.Detail)}: {mutated.ToJsonString()}");
                    mutations++;
                }
            }
        }
        Assert.True(mutations > 200, $"only {mutations} mutations");
    }

    private static IEnumerable<JsonObject> Mutations(JsonObject original, string property)
    {
        JsonObject Copy() => JsonNode.Parse(original.ToJsonString())!.AsObject();
        var dropped = Copy();
        dropped.Remove(property);
        yield return dropped;
        foreach (JsonNode? wrong in new JsonNode?[] { JsonValue.Create(""), JsonValue.Create(-1), JsonValue.Create(true), new JsonArray(), null, JsonValue.Create(12.34567) })
        {
            var changed = Copy();
            changed[property] = wrong?.DeepClone();
            yield return changed;
        }
        var extra = Copy();
        extra[property + "X"] = 1;
        yield return extra;
    }

    private static bool SchemaAccepts(EventKind kind, byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return Schemas[kind].Evaluate(doc.RootElement, Strict).IsValid;
    }

    private static string? CustomerIdOf(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("customerId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }

    private static EventKind KindOf(string contract) => contract switch
    {
        "interaction" => EventKind.Interaction,
        "transaction" => EventKind.Transaction,
        _ => EventKind.Profile,
    };
}
