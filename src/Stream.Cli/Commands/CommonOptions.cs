using System.CommandLine;

namespace Stream.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class CommonOptions
{
    public static Option<string> Bootstrap() => new("--bootstrap")
    {
        Description = "Kafka bootstrap servers (host:port[,host:port]); default from STREAM_KAFKA_BOOTSTRAP",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("STREAM_KAFKA_BOOTSTRAP") ?? "",
    };

    public static Option<int> Customers(int fallback) => new("--customers")
    {
        Description = "Simulated customers",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<int> Seed(int fallback = 42) => new("--seed") { Description = "Random seed: the same seed gives the same events", DefaultValueFactory = _ => fallback };

    public static Option<int> Partitions(int fallback) => new("--partitions")
    {
        Description = "Partitions per input topic of the embedded Kafka",
        DefaultValueFactory = _ => fallback,
    };

    public static Option<string?> BenchRedis() => new("--redis")
    {
        Description = "Redis to persist to (default: a local redis-server if installed, else embedded Garnet)",
    };

    public static string RequireBootstrap(ParseResult parse, Option<string> option)
    {
        var value = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException("Kafka bootstrap servers are required: pass --bootstrap host:port or set STREAM_KAFKA_BOOTSTRAP.");
        return value;
    }
}
