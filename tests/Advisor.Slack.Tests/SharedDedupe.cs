using System.Collections.Concurrent;
using Advisor.Core.Coordination;

namespace Advisor.Slack.Tests;

/// <summary>
/// Claims seen by several replicas in one test (what Redis is between processes): each replica's
/// <see cref="IEventDedupe"/> keeps intake in its own memory and claims across replicas here, first come first served.
/// </summary>
internal sealed class SharedDedupe
{
    private readonly ConcurrentDictionary<string, string> _claims = new(StringComparer.Ordinal);

    /// <summary>Every claim across replicas asked for: replica, key, granted.</summary>
    public ConcurrentQueue<(string Replica, string Key, bool Granted)> Asked { get; } = new();

    public IEventDedupe For(string replica) => new Replica(this, replica);

    private sealed class Replica(SharedDedupe shared, string name) : IEventDedupe
    {
        private readonly InMemoryEventDedupe _here = new(TimeProvider.System);

        public bool Shared => true;

        public bool TryClaim(DedupeScope scope, string key) => _here.TryClaim(scope, key);

        public void Release(DedupeScope scope, string key) => _here.Release(scope, key);

        public ValueTask<bool> TryClaimAcrossReplicasAsync(DedupeScope scope, string key, CancellationToken cancellationToken = default)
        {
            var granted = shared._claims.GetOrAdd(scope.Name + ":" + key, name) == name;
            shared.Asked.Enqueue((name, scope.Name + ":" + key, granted));
            return ValueTask.FromResult(granted);
        }
    }
}
