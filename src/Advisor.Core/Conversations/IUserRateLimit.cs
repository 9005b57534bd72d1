namespace Advisor.Core.Conversations;

/// <summary>
/// The per-user limit (<see cref="ConversationOptions.QuestionsPerUserPerMinute"/>), asked in two steps like the dedupe:
/// <see cref="TryAcquire"/> at intake, synchronous and without I/O (this replica's count), then
/// <see cref="TryAcquireAcrossReplicasAsync"/> when the answer is about to be worked out (every replica's count, so a
/// user has the same limit whichever replica they reach). In one process the first is the whole answer
/// (<see cref="UserRateLimiter"/>); with Redis the second is a sliding window kept in Redis.
/// </summary>
public interface IUserRateLimit
{
    /// <summary>Questions a user may ask per minute.</summary>
    int Limit { get; }

    /// <summary>Counts a question on this replica; false (with the wait, and whether to tell the user) when over the limit.</summary>
    bool TryAcquire(string userKey, out TimeSpan retryAfter, out bool notify);

    /// <summary>
    /// Counts a question across every replica. In one process: allowed (<see cref="TryAcquire"/> counted it). When the
    /// shared store cannot be reached: allowed (this replica's own count still holds).
    /// </summary>
    ValueTask<RateLimitDecision> TryAcquireAcrossReplicasAsync(string userKey, CancellationToken cancellationToken = default);

    /// <summary>The polite message for a user over the limit.</summary>
    string Refusal(TimeSpan retryAfter);
}
