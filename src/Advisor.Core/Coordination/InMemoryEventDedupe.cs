using System.Collections.Concurrent;
using Advisor.Core.Conversations;

namespace Advisor.Core.Coordination;

/// <summary>
/// The dedupe of a single process (the default without Redis): one bounded <see cref="RecentKeys"/> per scope. With no
/// other replica, <see cref="TryClaimAcrossReplicasAsync"/> has nothing to ask and lets the work go on.
/// </summary>
public sealed class InMemoryEventDedupe(TimeProvider time) : IEventDedupe
{
    private readonly ConcurrentDictionary<string, RecentKeys> _scopes = new(StringComparer.Ordinal);

    public bool Shared => false;

    public bool TryClaim(DedupeScope scope, string key)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Keys(scope).TryClaim(key);
    }

    public void Release(DedupeScope scope, string key)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrEmpty(key);
        Keys(scope).Release(key);
    }

    public ValueTask<bool> TryClaimAcrossReplicasAsync(DedupeScope scope, string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(true);

    private RecentKeys Keys(DedupeScope scope) =>
        _scopes.GetOrAdd(scope.Name, static (_, state) => new RecentKeys(state.time, state.scope.Lifetime, state.scope.Capacity), (time, scope));
}
