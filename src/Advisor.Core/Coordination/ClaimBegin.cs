namespace Advisor.Core.Coordination;

/// <summary>What <see cref="IInFlightClaims.TryBeginAsync"/> came to.</summary>
public enum ClaimBegin
{
    /// <summary>Recorded, under a lease this attempt holds.</summary>
    Begun,

    /// <summary>Another attempt (this replica's or another's) holds the question: this one must not answer it.</summary>
    HeldElsewhere,

    /// <summary>The store could not be reached: the answer goes on unrecorded (nobody can take it over).</summary>
    NotRecorded,
}
