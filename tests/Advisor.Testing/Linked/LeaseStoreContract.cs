using Advisor.Core.Coordination;
using Xunit;

namespace Advisor.Testing;

/// <summary>
/// What every <see cref="ILeaseStore"/> does, run against each implementation (in memory with a fake clock, Redis with
/// real expiry). A derived class supplies the store and a way to let time pass.
/// </summary>
public abstract class LeaseStoreContract
{
    /// <summary>
    /// The leases' time-to-live: long enough for a real server's round trips, short enough to wait out. A store on
    /// real time lengthens it so a stall of a loaded machine between two renewals cannot end a lease.
    /// </summary>
    protected virtual TimeSpan Ttl => TimeSpan.FromMilliseconds(400);

    /// <summary>A store with no leases of this test's names (use <see cref="Name"/>).</summary>
    protected abstract Task<ILeaseStore> CreateAsync();

    /// <summary>Lets <paramref name="span"/> pass for the store (advance a fake clock, or wait).</summary>
    protected abstract Task PassAsync(TimeSpan span);

    /// <summary>A lease name unique to this run, so tests sharing a server do not meet.</summary>
    protected string Name { get; } = "test:lease:" + Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task One_owner_at_a_time_and_the_holder_may_take_it_again()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        Assert.False(await store.TryAcquireAsync(Name, "b", Ttl));
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        Assert.Equal("a", await store.GetOwnerAsync(Name));
    }

    [SkippableFact]
    public async Task A_lease_nobody_renews_ends_and_another_owner_takes_it()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        await PassAsync(Ttl * 2);
        Assert.Null(await store.GetOwnerAsync(Name));
        Assert.True(await store.TryAcquireAsync(Name, "b", Ttl));
        Assert.False(await store.RenewAsync(Name, "a", Ttl)); // the old owner learns it lost the lease
        Assert.Equal("b", await store.GetOwnerAsync(Name));
    }

    [SkippableFact]
    public async Task Renewing_keeps_a_lease_past_its_first_expiry()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        for (var i = 0; i < 4; i++)
        {
            await PassAsync(Ttl / 2);
            Assert.True(await store.RenewAsync(Name, "a", Ttl), $"renewal {i} failed");
        }

        Assert.False(await store.TryAcquireAsync(Name, "b", Ttl));
        Assert.Equal("a", await store.GetOwnerAsync(Name));
    }

    [SkippableFact]
    public async Task Only_the_owner_can_release_or_renew()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        Assert.False(await store.RenewAsync(Name, "b", Ttl));
        await store.ReleaseAsync(Name, "b");
        Assert.Equal("a", await store.GetOwnerAsync(Name));
        await store.ReleaseAsync(Name, "a");
        Assert.Null(await store.GetOwnerAsync(Name));
        Assert.False(await store.RenewAsync(Name, "a", Ttl)); // released: renewing does not bring it back
        Assert.True(await store.TryAcquireAsync(Name, "b", Ttl));
    }

    [SkippableFact]
    public async Task Racing_owners_end_with_exactly_one_holder()
    {
        var store = await CreateAsync();
        var owners = Enumerable.Range(0, 16).Select(i => $"owner-{i}").ToArray();
        var won = await Task.WhenAll(owners.Select(o => Task.Run(() => store.TryAcquireAsync(Name, o, Ttl * 10))));
        Assert.Equal(1, won.Count(w => w));
        Assert.Equal(owners[Array.IndexOf(won, true)], await store.GetOwnerAsync(Name));
    }

    [SkippableFact]
    public async Task Only_the_holder_leaves_a_note_and_the_next_holder_reads_it_after_the_lease_ended()
    {
        var store = await CreateAsync();
        Assert.Null(await store.ReadNoteAsync(Name));
        Assert.False(await store.WriteNoteAsync(Name, "a", "before the lease", Ttl * 10)); // not held by anyone
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl));
        Assert.False(await store.WriteNoteAsync(Name, "b", "not the holder", Ttl * 10));
        Assert.True(await store.WriteNoteAsync(Name, "a", "session 1, seq 7", Ttl * 10));
        Assert.Equal("session 1, seq 7", await store.ReadNoteAsync(Name));

        await PassAsync(Ttl * 2); // the holder died: its lease ends, its note stays
        Assert.Null(await store.GetOwnerAsync(Name));
        Assert.Equal("session 1, seq 7", await store.ReadNoteAsync(Name));
        Assert.True(await store.TryAcquireAsync(Name, "b", Ttl));
        Assert.False(await store.WriteNoteAsync(Name, "a", "a stale holder", Ttl * 10)); // the old holder cannot overwrite it
        Assert.Equal("session 1, seq 7", await store.ReadNoteAsync(Name));
        Assert.True(await store.WriteNoteAsync(Name, "b", "session 1, seq 9", Ttl));
        Assert.Equal("session 1, seq 9", await store.ReadNoteAsync(Name));
    }

    [SkippableFact]
    public async Task A_note_ends_after_the_time_it_was_kept_for()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryAcquireAsync(Name, "a", Ttl * 10));
        Assert.True(await store.WriteNoteAsync(Name, "a", "short-lived", Ttl));
        await PassAsync(Ttl * 2);
        Assert.Null(await store.ReadNoteAsync(Name));
        Assert.Equal("a", await store.GetOwnerAsync(Name));
    }
}
