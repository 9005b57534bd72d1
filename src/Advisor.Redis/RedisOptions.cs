using Microsoft.Extensions.Configuration;

namespace Advisor.Redis;

/// <summary>
/// Settings under "Advisor:Redis": the Redis server that several replicas of the bot share (leases, event dedupe,
/// per-user limits, reload broadcast). Not configured: every replica keeps that state in its own memory.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Advisor:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: <c>host:port</c>, more endpoints comma-separated, then options
    /// (<c>password=…</c>, <c>ssl=true</c>, <c>user=…</c>, <c>connectTimeout=…</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Put before every key and the pub/sub channel, so several bots (or a bot and its tests) can share one server
    /// (default <c>advisor:</c>; 1–64 characters, no spaces).
    /// </summary>
    public string KeyPrefix { get; set; } = "advisor:";

    internal const int MaxKeyPrefixLength = 64;

    /// <summary>True when the section is present at all (any key): the host then adds the shared state and validates it.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any();
    }
}
