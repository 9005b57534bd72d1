using Xunit.Abstractions;
using Advisor.Core.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Advisor.Redis.Tests;

/// <summary>
/// The Redis server of the "redis" collection: the one named by <c>ADVISOR_TEST_REDIS</c> (a StackExchange.Redis
/// connection string, e.g. <c>127.0.0.1:6379</c>; <c>.ci/run</c> starts Debian's redis-server and sets it). Every
/// test writes under a key prefix of its own (<c>advisor-test:{guid}:</c>), deleted at the end, so a shared server is
/// left as found. Without a server the tests are reported as skipped with <see cref="Unavailable"/> — or fail, when
/// <c>ADVISOR_REQUIRE_REDIS=1</c> (CI sets it, so a missing server can never pass as green).
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string ConnectionVariable = "ADVISOR_TEST_REDIS";
    public const string RequireVariable = "ADVISOR_REQUIRE_REDIS";

    private ConnectionMultiplexer? _admin;

    /// <summary>Why the Redis tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The server's connection string (when available).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>True when CI demands the Redis tests run.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            Unavailable = $"{ConnectionVariable} is not set (host:port of a Redis server the tests may write to; .ci/run starts one)";
            return;
        }

        ConnectionString = configured;
        try
        {
            var options = ConfigurationOptions.Parse(configured);
            options.ConnectTimeout = 10_000;
            _admin = await ConnectionMultiplexer.ConnectAsync(options);
            await _admin.GetDatabase().PingAsync();
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException or TimeoutException)
        {
            Unavailable = $"cannot connect to Redis at {ConnectionVariable}: {ex.Message}";
        }
    }

    /// <summary>Skips the test (or fails it, where required) when no server can be had.</summary>
    public void SkipUnlessAvailable(ITestOutputHelper? output = null)
    {
        if (Unavailable is not { } reason)
        {
            return;
        }

        output?.WriteLine($"Redis tests did not run: {reason}");
        if (Required)
        {
            Assert.Fail($"Redis tests did not run ({RequireVariable}=1): {reason}");
        }

        Skip.If(true, $"Redis tests did not run: {reason}");
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => $"advisor-test:{Guid.NewGuid():N}:";

    /// <summary>A connection as one replica sees it (its own identity) under <paramref name="prefix"/>.</summary>
    internal RedisConnection Connect(string prefix, string replica, ILogger<RedisConnection>? logger = null) =>
        Connect(ConnectionString, prefix, replica, logger);

    /// <summary>A connection to any server string (a closed port, to see what happens while Redis is away).</summary>
    internal static RedisConnection Connect(string connectionString, string prefix, string replica, ILogger<RedisConnection>? logger = null) =>
        new(Options.Create(new RedisOptions { ConnectionString = connectionString, KeyPrefix = prefix }), new ReplicaIdentity(replica),
            TimeProvider.System, logger ?? NullLogger<RedisConnection>.Instance);

    /// <summary>The keys under a prefix (what a test left in Redis).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        foreach (var endpoint in _admin!.GetEndPoints())
        {
            await foreach (var key in _admin.GetServer(endpoint).KeysAsync(pattern: prefix + "*"))
            {
                keys.Add(key.ToString());
            }
        }

        return keys;
    }

    /// <summary>Deletes everything under a prefix.</summary>
    public async Task DeleteAsync(string prefix)
    {
        if (_admin is null)
        {
            return;
        }

        foreach (var key in await KeysAsync(prefix))
        {
            await _admin.GetDatabase().KeyDeleteAsync(key);
        }
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
    }
}

/// <summary>The Redis tests share one server per run.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
