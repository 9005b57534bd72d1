using Advisor.Core.Turns;

namespace Advisor.Core.Coordination;

/// <summary>
/// One question being answered, as <see cref="IInFlightClaims"/> keeps it: the message as the pipeline took it, where
/// its reply goes, and who is answering it. Another replica that finds it abandoned (its lease expired) has all it
/// needs to finish the answer.
/// </summary>
public sealed record InFlightRecord
{
    /// <summary>The claim's id: the platform and the message's dedupe key, or a one-off id for a message without one.</summary>
    public required string Id { get; init; }

    /// <summary>The message as the pipeline took it.</summary>
    public required IncomingMessage Message { get; init; }

    /// <summary>Where its replies go.</summary>
    public required ReplyTarget Target { get; init; }

    /// <summary>The lease's owner: one attempt of one replica (<see cref="ReplicaIdentity"/> and a number).</summary>
    public required string Owner { get; init; }

    /// <summary>The replica answering it (the value of its dedupe claims).</summary>
    public required string Replica { get; init; }

    /// <summary>
    /// The message's claim across replicas (<see cref="IEventDedupe"/>: "{scope}:{key}"), handed over to the replica
    /// that takes the question over; null for a message without a dedupe key.
    /// </summary>
    public string? Dedupe { get; init; }

    /// <summary>How long that dedupe claim lasts.</summary>
    public TimeSpan DedupeLifetime { get; init; }

    /// <summary>How many times it was taken over from a replica that stopped answering.</summary>
    public int TakeOvers { get; init; }

    /// <summary>When it was first claimed.</summary>
    public DateTimeOffset Since { get; init; }
}
