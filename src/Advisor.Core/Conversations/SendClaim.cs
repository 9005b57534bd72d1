namespace Advisor.Core.Conversations;

/// <summary>What <see cref="IConversationStore.ClaimSendAsync"/> gave.</summary>
public enum SendClaim
{
    /// <summary>The caller holds the claim: it sends, then completes or releases it.</summary>
    Claimed,

    /// <summary>It went out before (completed): nothing to do.</summary>
    AlreadySent,

    /// <summary>Another owner holds an unexpired claim on it (it is sending now).</summary>
    Held,
}
