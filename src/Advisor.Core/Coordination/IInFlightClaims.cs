namespace Advisor.Core.Coordination;

/// <summary>
/// The questions being answered, each under a lease its replica renews while it answers, so that a replica that dies
/// mid-answer leaves its questions for another one to finish (<see cref="Hosting.InFlightSweeper"/>): a record per
/// question (<see cref="InFlightRecord"/>), taken when the answer starts, deleted once the reply was delivered (or the
/// question refused). Only one attempt holds a question at a time; the others are told so and do nothing.
/// <para>
/// In one process the claims live in memory (<see cref="InMemoryInFlightClaims"/>: nobody else could take a question
/// over, so they only track); with Redis, in Redis, where every replica's sweeper looks for abandoned ones. A store
/// that cannot be reached never stops an answer: a claim that cannot be recorded is answered unrecorded, a renewal
/// that cannot be made is retried.
/// </para>
/// </summary>
public interface IInFlightClaims
{
    /// <summary>True when other replicas see the claims (and may take them over).</summary>
    bool Shared { get; }

    /// <summary>
    /// True while the store answers, as far as this replica knows without asking (the last call succeeded): whether a
    /// question can be handed to the other replicas now (<see cref="Turns.TurnPipeline.CanHandOff"/>).
    /// </summary>
    bool Reachable { get; }

    /// <summary>
    /// Records the question under a lease of <paramref name="lease"/> for <see cref="InFlightRecord.Owner"/>, unless
    /// another owner holds it already (a record under another owner exists, live or abandoned: an abandoned one is the
    /// sweepers' to take over, not a redelivery's).
    /// </summary>
    Task<ClaimBegin> TryBeginAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease while its owner still holds the question: true; false when it was taken over (the owner must
    /// not reply); null when the store could not be asked.
    /// </summary>
    Task<bool?> RenewAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record and its lease, when its owner still holds it (the question was dealt with).</summary>
    Task CompleteAsync(InFlightRecord record, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease back but keeps the record, so the next sweep takes the question over at once.</summary>
    Task ReleaseAsync(InFlightRecord record, CancellationToken cancellationToken = default);

    /// <summary>The ids of up to <paramref name="max"/> questions whose lease has expired (oldest first).</summary>
    Task<IReadOnlyList<string>> ExpiredAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>A question's record, or null when it is not (or no longer) claimed.</summary>
    Task<InFlightRecord?> ReadAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes an abandoned question over: when its lease has expired and it is still held by
    /// <paramref name="expired"/>'s owner, the lease becomes <paramref name="owner"/>'s, the message's dedupe claim
    /// <paramref name="replica"/>'s, and the record is returned with them (one more take-over counted). Null when it
    /// was not abandoned after all (renewed, taken by another sweeper, completed), or when another replica holds the
    /// message's dedupe claim (it took the message on itself: the record is then deleted).
    /// </summary>
    Task<InFlightRecord?> TryTakeOverAsync(InFlightRecord expired, string owner, string replica, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Deletes an abandoned question nobody will answer (too late, or given up), when it is still as read.</summary>
    Task DropAsync(InFlightRecord record, CancellationToken cancellationToken = default);
}
