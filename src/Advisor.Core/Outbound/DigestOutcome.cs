namespace Advisor.Core.Outbound;

/// <summary>What a scheduler tick did about one platform's digest of the week.</summary>
public enum DigestOutcome
{
    /// <summary>Posted now.</summary>
    Sent,

    /// <summary>It went out before (this worker, an earlier run, or another replica).</summary>
    AlreadySent,

    /// <summary>Another replica is posting it now.</summary>
    Held,

    /// <summary>It could not be posted (or the store could not be read): logged, tried again at the next tick.</summary>
    Failed,

    /// <summary>More than <see cref="DigestOptions.CatchUpHours"/> past its time and never sent: skipped this week (logged).</summary>
    Missed,
}
