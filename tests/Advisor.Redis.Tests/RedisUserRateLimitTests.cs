using Advisor.Core.Conversations;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Advisor.Redis.Tests;

/// <summary>The per-user limit counted across replicas.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisUserRateLimitTests(RedisServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly UserHasher Hasher = new(new byte[32]);
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<RedisConnection> _connections = [];

    private RedisUserRateLimit Replica(string name, int perMinute = 3)
    {
        server.SkipUnlessAvailable(output);
        var connection = server.Connect(_prefix, name);
        _connections.Add(connection);
        var options = Options.Create(new ConversationOptions { QuestionsPerUserPerMinute = perMinute });
        return new RedisUserRateLimit(connection, new UserRateLimiter(options, TimeProvider.System), Hasher, options);
    }

    [SkippableFact]
    public async Task A_user_has_one_limit_whichever_replica_they_reach_and_is_told_once()
    {
        var a = Replica("replica-a");
        var b = Replica("replica-b");

        Assert.True((await a.TryAcquireAcrossReplicasAsync("slack:U1")).Allowed);
        Assert.True((await b.TryAcquireAcrossReplicasAsync("slack:U1")).Allowed);
        Assert.True((await a.TryAcquireAcrossReplicasAsync("slack:U1")).Allowed);

        var over = await b.TryAcquireAcrossReplicasAsync("slack:U1");
        Assert.False(over.Allowed);
        Assert.True(over.Notify);
        Assert.InRange(over.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));

        var again = await a.TryAcquireAcrossReplicasAsync("slack:U1");
        Assert.False(again.Allowed);
        Assert.False(again.Notify); // told already in this window, on the other replica

        Assert.True((await a.TryAcquireAcrossReplicasAsync("slack:U2")).Allowed); // another user
        Assert.True((await a.TryAcquireAcrossReplicasAsync("discord:U1")).Allowed); // the same id on another platform
    }

    [SkippableFact]
    public async Task Concurrent_questions_never_get_past_the_limit()
    {
        var replicas = Enumerable.Range(0, 4).Select(i => Replica($"replica-{i}", perMinute: 5)).ToList();
        var decisions = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () => await replicas[i % 4].TryAcquireAcrossReplicasAsync("slack:U9"))));
        Assert.Equal(5, decisions.Count(d => d.Allowed));
        Assert.Equal(1, decisions.Count(d => d.Notify));
    }

    [SkippableFact]
    public async Task Users_are_kept_under_their_salted_hash_never_their_id()
    {
        var a = Replica("replica-a");
        await a.TryAcquireAcrossReplicasAsync("slack:U0SECRETID");
        var keys = await server.KeysAsync(_prefix);
        Assert.Contains(_prefix + "limit:" + Hasher.Hash("slack", "U0SECRETID"), keys);
        Assert.DoesNotContain(keys, k => k.Contains("U0SECRETID", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Intake_counts_on_this_replica_without_Redis()
    {
        var a = Replica("replica-a", perMinute: 1);
        Assert.True(a.TryAcquire("slack:U1", out _, out _));
        Assert.False(a.TryAcquire("slack:U1", out var wait, out var notify));
        Assert.True(notify);
        Assert.True(wait > TimeSpan.Zero);
        Assert.Contains("1 questions a minute", a.Refusal(wait), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_Redis_a_question_is_allowed_and_the_failure_shows()
    {
        await using var connection = RedisServer.Connect("127.0.0.1:1,connectTimeout=500", RedisServer.NewPrefix(), "replica-a");
        var options = Options.Create(new ConversationOptions { QuestionsPerUserPerMinute = 1 });
        var limit = new RedisUserRateLimit(connection, new UserRateLimiter(options, TimeProvider.System), Hasher, options);
        Assert.True((await limit.TryAcquireAcrossReplicasAsync("slack:U1")).Allowed);
        Assert.True((await limit.TryAcquireAcrossReplicasAsync("slack:U1")).Allowed);
        Assert.False(connection.Healthy);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await server.DeleteAsync(_prefix);
    }
}
