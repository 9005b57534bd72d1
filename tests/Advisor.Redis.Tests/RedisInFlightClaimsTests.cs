using Advisor.Core.Coordination;
using Advisor.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Advisor.Redis.Tests;

/// <summary>The in-flight claims contract on a real Redis server (real expiry), and what only Redis does: the keys, and the message's dedupe claim handed over.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisInFlightClaimsTests(RedisServer server, ITestOutputHelper output) : InFlightClaimsContract, IAsyncLifetime
{
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<RedisConnection> _connections = [];

    /// <summary>Real expiry: long enough that a stall of a loaded machine between renewals (Lease / 2) does not end a claim.</summary>
    protected override TimeSpan Lease => TimeSpan.FromSeconds(3);

    protected override async Task<IInFlightClaims> CreateAsync()
    {
        var store = Store("replica-a", out _);
        await store.ExpiredAsync(1); // connect before the test's clock matters
        return store;
    }

    protected override Task PassAsync(TimeSpan span) => Task.Delay(span);

    private RedisInFlightClaims Store(string replica, out RedisConnection connection)
    {
        server.SkipUnlessAvailable(output);
        connection = server.Connect(_prefix, replica);
        _connections.Add(connection);
        return new RedisInFlightClaims(connection, NullLogger<RedisInFlightClaims>.Instance);
    }

    [SkippableFact]
    public async Task A_question_is_a_hash_a_lease_and_an_index_entry_and_nothing_is_left_once_it_is_done()
    {
        var store = Store("replica-a", out _);
        Assert.Equal(ClaimBegin.Begun, await store.TryBeginAsync(Record("a#1"), TimeSpan.FromMinutes(1)));

        var keys = await server.KeysAsync(_prefix);
        Assert.Contains(_prefix + "inflight:" + Id, keys);
        Assert.Contains(_prefix + "lease:inflight:" + Id, keys);
        Assert.Contains(_prefix + "inflight", keys);

        await store.CompleteAsync(Record("a#1"));

        Assert.Empty(await server.KeysAsync(_prefix));
    }

    [SkippableFact]
    public async Task Taking_over_hands_the_messages_dedupe_claim_to_the_new_replica()
    {
        var a = Store("replica-a", out var connectionA);
        var b = Store("replica-b", out var connectionB);
        var dedupeA = new RedisEventDedupe(connectionA, TimeProvider.System);
        var dedupeB = new RedisEventDedupe(connectionB, TimeProvider.System);
        var scope = new DedupeScope("message:test", TimeSpan.FromHours(2));
        var key = Record("a#1").Message.DedupeKey;
        Assert.Equal(ClaimBegin.Begun, await a.TryBeginAsync(Record("a#1"), Lease));
        Assert.True(await dedupeA.TryClaimAcrossReplicasAsync(scope, key));
        await Task.Delay(Lease * 2);

        var taken = await b.TryTakeOverAsync((await b.ReadAsync(Id))!, "b#1", "replica-b", Lease);

        Assert.NotNull(taken);
        Assert.True(await dedupeB.TryClaimAcrossReplicasAsync(scope, key)); // B's own now: its answer is not "a repeat"
        Assert.False(await dedupeA.TryClaimAcrossReplicasAsync(scope, key)); // and A's is gone
    }

    [SkippableFact]
    public async Task A_question_another_replica_took_on_itself_is_not_taken_over_but_deleted()
    {
        var a = Store("replica-a", out _);
        var b = Store("replica-b", out _);
        var c = Store("replica-c", out var connectionC);
        var scope = new DedupeScope("message:test", TimeSpan.FromHours(2));
        Assert.Equal(ClaimBegin.Begun, await a.TryBeginAsync(Record("a#1"), Lease));
        Assert.True(await new RedisEventDedupe(connectionC, TimeProvider.System).TryClaimAcrossReplicasAsync(scope, Record("a#1").Message.DedupeKey));
        await Task.Delay(Lease * 2);

        Assert.Null(await b.TryTakeOverAsync((await b.ReadAsync(Id))!, "b#1", "replica-b", Lease));

        Assert.Null(await c.ReadAsync(Id));
    }

    [SkippableFact]
    public async Task Redis_away_records_nothing_and_stops_nothing()
    {
        server.SkipUnlessAvailable(output);
        await using var away = RedisServer.Connect("127.0.0.1:1", _prefix, "replica-a");
        var store = new RedisInFlightClaims(away, NullLogger<RedisInFlightClaims>.Instance);

        Assert.Equal(ClaimBegin.NotRecorded, await store.TryBeginAsync(Record("a#1"), Lease));
        Assert.Null(await store.RenewAsync(Record("a#1"), Lease));
        Assert.Empty(await store.ExpiredAsync(10));
        Assert.Null(await store.ReadAsync(Id));
        await store.CompleteAsync(Record("a#1"));
        Assert.False(away.Healthy);
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
