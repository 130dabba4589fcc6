using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Stream:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379,password=...</c>.</summary>
    [Required(ErrorMessage = "Stream:Redis:Configuration is required (a StackExchange.Redis connection string such as localhost:6379), e.g. set Stream__Redis__Configuration.")]
    public string Configuration { get; set; } = "";

    /// <summary>First part of every key, so several deployments can share a server.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Stream:Redis:KeyPrefix may hold 1–32 letters, digits, '_', '.', '-'.")]
    public string KeyPrefix { get; set; } = "stream";
}
