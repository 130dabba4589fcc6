using System.Text.Json;
using StackExchange.Redis;
using Stream.Core.Scoring;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Models;

/// <summary>
/// Population models in Redis, versioned and immutable: <c>{prefix}:{models}:v{n}</c> holds version n as JSON,
/// <c>{prefix}:{models}:current</c> names the version in use. Publishing writes the new version and moves
/// <c>current</c> in one script, so readers see the old model or the new one, never a mix; an older
/// version never replaces a newer one. The last <see cref="Retained"/> versions are kept for explaining
/// scores after a swap.
/// </summary>
public sealed class ModelStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    public const int Retained = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Db => redis.GetDatabase();

    private const string PublishScript = """
        redis.call('SET', KEYS[2], ARGV[2])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
        if tonumber(ARGV[1]) > tonumber(ARGV[3]) then redis.call('DEL', KEYS[3]) end
        return current
        """;

    // Only the holder's token releases the lock, so a slow builder never frees another's lock.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>The next version number (never reused).</summary>
    public async Task<long> NextVersionAsync() => await Db.StringIncrementAsync(keys.ModelSequence);

    public async Task PublishAsync(PopulationModel model) =>
        await Db.ScriptEvaluateAsync(PublishScript,
            [keys.ModelCurrent, keys.Model(model.Version), keys.Model(model.Version - Retained)],
            [model.Version, JsonSerializer.Serialize(model, Json), Retained]);

    public async Task<long?> CurrentVersionAsync()
    {
        var current = await Db.StringGetAsync(keys.ModelCurrent);
        return current.IsNull ? null : (long)current;
    }

    public async Task<PopulationModel?> LoadAsync(long version)
    {
        var json = await Db.StringGetAsync(keys.Model(version));
        return json.IsNull ? null : JsonSerializer.Deserialize<PopulationModel>((string)json!, Json);
    }

    /// <summary>Takes the build lock for <paramref name="ttl"/> (one instance builds at a time); null if another holds it.</summary>
    public async Task<string?> TryLockAsync(TimeSpan ttl)
    {
        var token = Guid.NewGuid().ToString("N");
        return await Db.StringSetAsync(keys.ModelLock, token, ttl, When.NotExists) ? token : null;
    }

    public async Task UnlockAsync(string token) => await Db.ScriptEvaluateAsync(ReleaseScript, [keys.ModelLock], [token]);
}
