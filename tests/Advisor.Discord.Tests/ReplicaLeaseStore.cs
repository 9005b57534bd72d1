using Advisor.Core.Coordination;

namespace Advisor.Discord.Tests;

/// <summary>
/// The shared lease store as one replica reaches it. <see cref="Partitioned"/> cuts this replica off (every call fails,
/// as when Redis is unreachable from it): it can no longer renew or release anything, while the others go on.
/// </summary>
internal sealed class ReplicaLeaseStore(ILeaseStore shared) : ILeaseStore
{
    private volatile bool _partitioned;

    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    public Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<bool>() : shared.TryAcquireAsync(name, owner, ttl, cancellationToken);

    public Task<bool> RenewAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<bool>() : shared.RenewAsync(name, owner, ttl, cancellationToken);

    public Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<bool>() : shared.ReleaseAsync(name, owner, cancellationToken);

    public Task<string?> GetOwnerAsync(string name, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<string?>() : shared.GetOwnerAsync(name, cancellationToken);

    public bool SharedAcrossProcesses => shared.SharedAcrossProcesses;

    public Task<bool> WriteNoteAsync(string name, string owner, string note, TimeSpan keep, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<bool>() : shared.WriteNoteAsync(name, owner, note, keep, cancellationToken);

    public Task<string?> ReadNoteAsync(string name, CancellationToken cancellationToken = default) =>
        _partitioned ? Unreachable<string?>() : shared.ReadNoteAsync(name, cancellationToken);

    private static Task<T> Unreachable<T>() => Task.FromException<T>(new IOException("the lease store is unreachable from this replica (test partition)"));
}
