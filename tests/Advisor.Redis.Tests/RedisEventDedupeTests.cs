using Advisor.Core.Coordination;
using Advisor.Testing;
using Xunit.Abstractions;

namespace Advisor.Redis.Tests;

/// <summary>Dedupe across replicas: two connections with their own replica ids stand for two replicas.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisEventDedupeTests(RedisServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DedupeScope Events = new("slack-event", TimeSpan.FromHours(2));
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<RedisConnection> _connections = [];

    private RedisEventDedupe Replica(string name)
    {
        server.SkipUnlessAvailable(output);
        var connection = server.Connect(_prefix, name);
        _connections.Add(connection);
        return new RedisEventDedupe(connection, TimeProvider.System);
    }

    [SkippableFact]
    public async Task An_event_taken_on_by_one_replica_is_a_repeat_for_the_others_and_not_for_itself()
    {
        var a = Replica("replica-a");
        var b = Replica("replica-b");
        var c = Replica("replica-c");

        Assert.True(await a.TryClaimAcrossReplicasAsync(Events, "Ev1"));
        Assert.False(await b.TryClaimAcrossReplicasAsync(Events, "Ev1"));
        Assert.False(await c.TryClaimAcrossReplicasAsync(Events, "Ev1"));
        Assert.True(await a.TryClaimAcrossReplicasAsync(Events, "Ev1"));
        Assert.True(await b.TryClaimAcrossReplicasAsync(Events, "Ev2"));
        Assert.True(await b.TryClaimAcrossReplicasAsync(new DedupeScope("message:slack", TimeSpan.FromHours(2)), "Ev1")); // scopes do not meet
        Assert.Contains(_prefix + "seen:slack-event:Ev1", await server.KeysAsync(_prefix));
    }

    [SkippableFact]
    public async Task Many_replicas_racing_for_one_event_leave_exactly_one_winner()
    {
        var replicas = Enumerable.Range(0, 8).Select(i => Replica($"replica-{i}")).ToList();
        var won = await Task.WhenAll(replicas.Select(r => Task.Run(async () => await r.TryClaimAcrossReplicasAsync(Events, "Ev-race"))));
        Assert.Equal(1, won.Count(w => w));
    }

    [SkippableFact]
    public async Task A_claim_ends_with_its_scope_lifetime()
    {
        // Long enough that the second replica's attempt lands inside it on a loaded machine, short enough to wait out.
        var shortLived = new DedupeScope("short", TimeSpan.FromSeconds(3));
        var a = Replica("replica-a");
        var b = Replica("replica-b");
        Assert.True(await a.TryClaimAcrossReplicasAsync(shortLived, "k"));
        Assert.False(await b.TryClaimAcrossReplicasAsync(shortLived, "k"));
        await Eventually.TrueAsync(async () => await b.TryClaimAcrossReplicasAsync(shortLived, "k"), "the claim to expire");
    }

    [SkippableFact]
    public void Intake_stays_in_this_replicas_memory()
    {
        var a = Replica("replica-a");
        var b = Replica("replica-b");
        Assert.True(a.TryClaim(Events, "Ev1"));
        Assert.False(a.TryClaim(Events, "Ev1"));
        Assert.True(b.TryClaim(Events, "Ev1")); // another replica's memory: the claim across replicas decides
        a.Release(Events, "Ev1");
        Assert.True(a.TryClaim(Events, "Ev1"));
    }

    [Fact]
    public async Task Without_Redis_an_event_is_taken_on_rather_than_lost_and_the_failure_shows()
    {
        await using var connection = RedisServer.Connect("127.0.0.1:1,connectTimeout=500", RedisServer.NewPrefix(), "replica-a");
        var dedupe = new RedisEventDedupe(connection, TimeProvider.System);
        Assert.True(await dedupe.TryClaimAcrossReplicasAsync(Events, "Ev1"));
        Assert.False(dedupe.TryClaim(Events, "x") && dedupe.TryClaim(Events, "x")); // intake still dedupes here
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
