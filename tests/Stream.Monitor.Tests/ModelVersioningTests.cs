using System.Net.Http.Json;
using System.Text.Json;
using Stream.Monitor.Models;
using Stream.Monitor.Tests.Support;
using Stream.Producer.Simulation;

namespace Stream.Monitor.Tests;

[Trait("Category", "Integration")]
public sealed class ModelVersioningTests
{
    /// <summary>
    /// The monitor builds a population model from the live state in the background, stores it versioned in
    /// Redis and scores with it; a newer version (say, built by another instance) is adopted whole, and every
    /// score names the version that produced it.
    /// </summary>
    [Fact]
    public async Task Scores_name_their_model_version_and_a_newer_stored_version_is_swapped_in()
    {
        using var bed = new StreamTestBed(partitions: 2);
        var records = new CustomerSimulator(new SimulationOptions
        {
            Customers = 800, Seed = 4, Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), Span = TimeSpan.FromDays(300),
        }).Records().ToList();
        bed.Produce(records);
        var ends = bed.EndOffsets();
        // A rebuild once event time moves a day, so the last model is as of the end however the backlog was
        // batched (with the default 7 days, a first build a few days before the end would stand).
        await using var monitor = bed.CreateMonitor(extra: new Dictionary<string, string?>
        {
            ["Stream:Models:CheckInterval"] = "00:00:00.200",
            ["Stream:Models:RefitAfterEventDays"] = "1",
        });
        await monitor.StartAsync();
        await Eventually.Until(() => bed.CaughtUp(ends), TimeSpan.FromSeconds(60), "ingest");

        using var http = new HttpClient { BaseAddress = new Uri(StreamTestBed.Address(monitor)) };
        http.DefaultRequestHeaders.Add("X-Api-Key", StreamTestBed.ApiKey);
        var lastDay = Core.Analytics.EpochDays.Of(DateOnly.FromDateTime(records.Max(r => r.Event!.OccurredAt).UtcDateTime));
        JsonElement model = default;
        await Eventually.Until(async () =>
        {
            var response = await http.GetAsync("/api/model");
            if (!response.IsSuccessStatusCode) return false;
            model = await response.Content.ReadFromJsonAsync<JsonElement>();
            // Built as of the final watermark (an hour behind the last event, so possibly the day before).
            return model.GetProperty("asOfDay").GetInt32() >= lastDay - 1;
        }, TimeSpan.FromSeconds(60), "a model built as of the end of the stream");
        var version = model.GetProperty("version").GetInt64();
        Assert.True(model.GetProperty("churn").ValueKind == JsonValueKind.Object, model.GetProperty("modelProblem").ToString());
        Assert.Equal(records.Select(r => r.Key).Distinct().Count(), model.GetProperty("customers").GetInt32());

        var store = new ModelStore(bed.Redis.Connection, bed.Keys);
        Assert.Equal(version, await store.CurrentVersionAsync());
        var stored = (await store.LoadAsync(version))!;

        var buyer = records.Where(r => r.Event!.Type == Core.Events.EventType.Purchase).GroupBy(r => r.Key).First(g => g.Count() >= 3).Key;
        var before = await http.GetFromJsonAsync<JsonElement>($"/api/customers/{buyer}");
        Assert.Equal(version, before.GetProperty("scores").GetProperty("modelVersion").GetInt64());
        Assert.Equal(version, before.GetProperty("status").GetProperty("modelVersion").GetInt64());
        var pAlive = before.GetProperty("scores").GetProperty("probabilityAlive").GetDouble();
        Assert.InRange(pAlive, 0, 1);
        // The scores place the customer's expected value on the model's potential thresholds.
        Assert.NotNull(stored.Potential);
        Assert.Contains(before.GetProperty("scores").GetProperty("potential").GetString(), new[] { "premium", "growth", "potential", "marginal" });

        // Another instance publishes a newer model: dropout twice as likely (b halved).
        var newer = stored with { Version = await store.NextVersionAsync(), Churn = stored.Churn! with { B = stored.Churn.B / 2 } };
        await store.PublishAsync(newer);
        var current = monitor.Services.GetRequiredService<CurrentModel>();
        await Eventually.Until(() => Task.FromResult(current.Model?.Version == newer.Version), TimeSpan.FromSeconds(10), "the newer model to be adopted");
        var after = await http.GetFromJsonAsync<JsonElement>($"/api/customers/{buyer}");
        Assert.Equal(newer.Version, after.GetProperty("scores").GetProperty("modelVersion").GetInt64());
        Assert.NotEqual(pAlive, after.GetProperty("scores").GetProperty("probabilityAlive").GetDouble());

        // An older version never replaces a newer one, and recent versions stay readable for explaining scores.
        await store.PublishAsync(stored);
        Assert.Equal(newer.Version, await store.CurrentVersionAsync());
        Assert.NotNull(await store.LoadAsync(version));
    }
}
