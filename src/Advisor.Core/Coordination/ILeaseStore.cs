namespace Advisor.Core.Coordination;

/// <summary>
/// Named leases that replicas take, renew and give back: at most one owner holds a lease at a time, and a lease its
/// owner stops renewing ends by itself after its time-to-live, so another replica can take over what a dead one held
/// (a Discord shard, a question being answered). In one process the leases live in memory
/// (<see cref="InMemoryLeaseStore"/>); with Redis configured, in Redis, shared by every replica.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> for <paramref name="ttl"/> when it is free
    /// (never taken, released, or expired), or extends it when <paramref name="owner"/> holds it already. True when
    /// <paramref name="owner"/> holds it afterwards.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease only when <paramref name="owner"/> still holds it; false when it was lost (expired and maybe taken).</summary>
    Task<bool> RenewAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease back when <paramref name="owner"/> holds it; a lease held by another owner is left alone.</summary>
    Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default);

    /// <summary>The current owner of a lease that has not expired, or null.</summary>
    Task<string?> GetOwnerAsync(string name, CancellationToken cancellationToken = default);
}
