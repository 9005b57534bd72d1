using Advisor.Core;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Advisor.Redis.Tests;

/// <summary>What <c>AddAdvisorRedis</c> puts in place, and how a bad setting is reported. No server needed.</summary>
public sealed class RegistrationTests
{
    private static readonly string Knowledge = Path.Combine(Testing.RepoPaths.RepoRoot(), "knowledge");

    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    private static ServiceProvider Services(bool redisFirst, params (string Key, string Value)[] pairs)
    {
        var configuration = Config([("Advisor:KnowledgePath", Knowledge), .. pairs]);
        var services = new ServiceCollection();
        if (redisFirst)
        {
            services.AddAdvisorRedis(configuration);
        }

        services.AddAdvisorCore(configuration);
        if (!redisFirst)
        {
            services.AddAdvisorRedis(configuration);
        }

        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_shared_implementations_replace_the_single_process_ones_in_either_order(bool redisFirst)
    {
        await using var provider = Services(redisFirst, ("Advisor:Redis:ConnectionString", "127.0.0.1:1"));
        Assert.IsType<RedisLeaseStore>(provider.GetRequiredService<ILeaseStore>());
        Assert.IsType<RedisEventDedupe>(provider.GetRequiredService<IEventDedupe>());
        Assert.IsType<RedisUserRateLimit>(provider.GetRequiredService<IUserRateLimit>());
        Assert.IsType<RedisStatus>(Assert.Single(provider.GetServices<ISharedStateStatus>()));
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is RedisReloadBroadcast);
        Assert.True(provider.GetRequiredService<IEventDedupe>().Shared);
        Assert.Equal("Redis 127.0.0.1:1", provider.GetRequiredService<ISharedStateStatus>().Description);
    }

    [Fact]
    public async Task Without_Redis_the_core_keeps_everything_in_this_process()
    {
        var services = new ServiceCollection();
        services.AddAdvisorCore(Config(("Advisor:KnowledgePath", Knowledge)));
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<InMemoryLeaseStore>(provider.GetRequiredService<ILeaseStore>());
        Assert.IsType<InMemoryEventDedupe>(provider.GetRequiredService<IEventDedupe>());
        Assert.IsType<UserRateLimiter>(provider.GetRequiredService<IUserRateLimit>());
        Assert.Empty(provider.GetServices<ISharedStateStatus>());
        Assert.False(provider.GetRequiredService<IEventDedupe>().Shared);
    }

    [Fact]
    public void Configured_means_the_section_has_a_value_or_a_key()
    {
        Assert.False(RedisOptions.IsConfigured(Config()));
        Assert.False(RedisOptions.IsConfigured(Config(("Advisor:Data:Folder", "data"))));
        Assert.True(RedisOptions.IsConfigured(Config(("Advisor:Redis:ConnectionString", "localhost:6379"))));
        Assert.True(RedisOptions.IsConfigured(Config(("Advisor:Redis", "localhost:6379"))));
        Assert.True(RedisOptions.IsConfigured(Config(("Advisor:Redis:KeyPrefix", "bot:"))));
    }

    [Fact]
    public async Task The_section_alone_is_the_connection_string()
    {
        await using var provider = Services(false, ("Advisor:Redis", "redis.example:6380,password=s3cret"));
        Assert.Equal("redis.example:6380,password=s3cret", provider.GetRequiredService<IOptions<RedisOptions>>().Value.ConnectionString);
        var status = provider.GetRequiredService<ISharedStateStatus>();
        Assert.Contains("redis.example", status.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", status.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Advisor:Redis:ConnectionString", "localhost:6379,nonsense=1", "not a valid Redis connection string")]
    [InlineData("Advisor:Redis:ConnectionString", ",", "names no host:port")]
    [InlineData("Advisor:Redis:ConnectionString", " ", "must be set")]
    [InlineData("Advisor:Redis:KeyPrefix", "has space", "KeyPrefix must be")]
    public async Task A_bad_setting_fails_naming_the_key_and_what_is_wrong(string key, string value, string why)
    {
        await using var provider = Services(false, (key, value));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains(key, StringComparison.Ordinal) && f.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_in_a_bad_connection_string_is_not_repeated()
    {
        await using var provider = Services(false, ("Advisor:Redis:ConnectionString", "localhost:6379,password=s3cret,nonsense=1"));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisOptions>>().Value);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }
}
