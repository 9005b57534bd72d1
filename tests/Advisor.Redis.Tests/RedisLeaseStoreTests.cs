using Xunit.Abstractions;
using Advisor.Core.Coordination;
using Advisor.Testing;

namespace Advisor.Redis.Tests;

/// <summary>The lease contract on a real Redis server, with real expiry (time passes by waiting).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLeaseStoreTests(RedisServer server, ITestOutputHelper output) : LeaseStoreContract, IAsyncLifetime
{
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<RedisConnection> _connections = [];

    /// <summary>Real expiry: long enough that a stall of a loaded machine between renewals (Ttl / 2) does not end a lease.</summary>
    protected override TimeSpan Ttl => TimeSpan.FromSeconds(3);

    protected override async Task<ILeaseStore> CreateAsync()
    {
        var store = Store("replica-a");

        // Connect and run each script once before the test's clock matters (the first round trip pays for start-up).
        var warm = "warm-up:" + Guid.NewGuid().ToString("N");
        await store.TryAcquireAsync(warm, "w", TimeSpan.FromSeconds(5));
        await store.RenewAsync(warm, "w", TimeSpan.FromSeconds(5));
        await store.ReleaseAsync(warm, "w");
        return store;
    }

    protected override Task PassAsync(TimeSpan span) => Task.Delay(span);

    private RedisLeaseStore Store(string replica)
    {
        server.SkipUnlessAvailable(output);
        var connection = server.Connect(_prefix, replica);
        _connections.Add(connection);
        return new RedisLeaseStore(connection);
    }

    [SkippableFact]
    public async Task Two_replicas_see_one_holder_and_the_lease_is_a_key_that_expires()
    {
        var a = Store("replica-a");
        var b = Store("replica-b");
        Assert.True(await a.TryAcquireAsync(Name, "owner-a", TimeSpan.FromMinutes(1)));
        Assert.False(await b.TryAcquireAsync(Name, "owner-b", TimeSpan.FromMinutes(1)));
        Assert.Equal("owner-a", await b.GetOwnerAsync(Name));
        Assert.Contains(_prefix + "lease:" + Name, await server.KeysAsync(_prefix));

        await a.ReleaseAsync(Name, "owner-a");
        Assert.True(await b.TryAcquireAsync(Name, "owner-b", TimeSpan.FromMilliseconds(300)));
        await Eventually.TrueAsync(async () => await a.GetOwnerAsync(Name) is null, "the lease nobody renews to end");
        Assert.Empty(await server.KeysAsync(_prefix)); // nothing is left behind once it expired
    }

    [Fact]
    public async Task Without_Redis_a_lease_is_not_taken_and_the_failure_shows()
    {
        await using var connection = RedisServer.Connect("127.0.0.1:1,connectTimeout=500", RedisServer.NewPrefix(), "replica-a");
        var store = new RedisLeaseStore(connection);
        await Assert.ThrowsAnyAsync<Exception>(() => store.TryAcquireAsync("shard:0", "a", TimeSpan.FromSeconds(5)));
        Assert.False(connection.Healthy);
        Assert.StartsWith("unreachable since", connection.State, StringComparison.Ordinal);
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
