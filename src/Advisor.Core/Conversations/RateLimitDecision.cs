namespace Advisor.Core.Conversations;

/// <summary>
/// The per-user limit's word on one question: allowed, or refused with the wait and whether the asker is to be told
/// (the first refusal of a window).
/// </summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter, bool Notify)
{
    /// <summary>Within the limit.</summary>
    public static RateLimitDecision Allow => new(true, TimeSpan.Zero, false);
}
