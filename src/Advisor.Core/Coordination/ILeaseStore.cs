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

    /// <summary>
    /// Whether other processes see these leases (Redis), so that what a holder leaves behind can be picked up by another
    /// replica; false for the leases of one process.
    /// </summary>
    bool SharedAcrossProcesses { get; }

    /// <summary>
    /// Leaves <paramref name="note"/> with the lease for whoever holds it next — what a Discord shard's next holder
    /// needs to resume its session — only while <paramref name="owner"/> holds the lease (a holder that lost it must not
    /// overwrite its successor's note). The note outlives the lease: it is kept for <paramref name="keep"/> from this
    /// write. True when it was written.
    /// </summary>
    Task<bool> WriteNoteAsync(string name, string owner, string note, TimeSpan keep, CancellationToken cancellationToken = default);

    /// <summary>The last note left with the lease <paramref name="name"/> and not yet expired, or null.</summary>
    Task<string?> ReadNoteAsync(string name, CancellationToken cancellationToken = default);
}
