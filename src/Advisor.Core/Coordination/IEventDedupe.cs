namespace Advisor.Core.Coordination;

/// <summary>
/// "Has this event been taken on already?" — for every event a platform may deliver more than once (Slack retries and
/// several Socket Mode connections, Discord resumes, the same message as a mention and as a message event), asked in
/// two steps:
/// <list type="number">
/// <item><see cref="TryClaim"/> at intake: synchronous and without I/O, this replica's memory. An adapter that must
/// decide at once (acknowledge or not, a gateway's receive loop) asks it there.</item>
/// <item><see cref="TryClaimAcrossReplicasAsync"/> when the work starts, off the intake path: whether any other
/// replica claimed the same key. In one process that is always yes (the intake claim is all there is to know);
/// with Redis it is one SET NX PX.</item>
/// </list>
/// The adapters and the turn pipeline ask this one service; where its answers come from is the registration's choice
/// (<see cref="InMemoryEventDedupe"/> by default, Redis with <c>AddAdvisorRedis</c>).
/// </summary>
public interface IEventDedupe
{
    /// <summary>True when claims are seen by other replicas (a shared store is configured).</summary>
    bool Shared { get; }

    /// <summary>True the first time this replica sees <paramref name="key"/> within the scope's lifetime; false for a repeat.</summary>
    bool TryClaim(DedupeScope scope, string key);

    /// <summary>Forgets a key this replica claimed, so its next delivery is taken on (the first one was refused, not handled).</summary>
    void Release(DedupeScope scope, string key);

    /// <summary>
    /// True when no other replica claimed <paramref name="key"/> within the scope's lifetime (this replica may go on);
    /// false when another one has it. A claim by this same replica counts as this replica's. When the shared store
    /// cannot be reached the answer is true: an event is answered rather than lost, and the reply channel's own
    /// check (a reply already on the platform) is what is left against a double.
    /// </summary>
    ValueTask<bool> TryClaimAcrossReplicasAsync(DedupeScope scope, string key, CancellationToken cancellationToken = default);
}
