using Microsoft.Extensions.Options;

namespace Advisor.Core.Conversations;

/// <summary>A sliding one-minute window of questions per user, in this process's memory; thread-safe.</summary>
public sealed class UserRateLimiter(IOptions<ConversationOptions> options, TimeProvider time) : IUserRateLimit
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly int _limit = options.Value.QuestionsPerUserPerMinute;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _asked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _notifiedUntil = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc/>
    public int Limit => _limit;

    /// <summary>One process: <see cref="TryAcquire(string, out TimeSpan, out bool)"/> counted the question, and there is no other count.</summary>
    public ValueTask<RateLimitDecision> TryAcquireAcrossReplicasAsync(string userKey, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(RateLimitDecision.Allow);

    /// <summary>Counts a question; false (with the wait) when the user is over the limit.</summary>
    public bool TryAcquire(string userKey, out TimeSpan retryAfter) => TryAcquire(userKey, out retryAfter, out _);

    /// <summary>
    /// Counts a question; false (with the wait) when the user is over the limit. <paramref name="notify"/> is true for
    /// the first refusal until the user may ask again: a user who sends thirty messages in a second-and-a-half gets one
    /// "slow down" notice, not twenty. (A slash command must be answered anyway; a chat message need not.)
    /// </summary>
    public bool TryAcquire(string userKey, out TimeSpan retryAfter, out bool notify)
    {
        notify = false;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_asked.TryGetValue(userKey, out var queue))
            {
                if (_asked.Count > 100_000)
                {
                    Prune(now);
                }

                queue = new Queue<DateTimeOffset>();
                _asked[userKey] = queue;
            }

            while (queue.Count > 0 && now - queue.Peek() >= Window)
            {
                queue.Dequeue();
            }

            if (queue.Count >= _limit)
            {
                retryAfter = Window - (now - queue.Peek());
                if (!_notifiedUntil.TryGetValue(userKey, out var until) || now >= until)
                {
                    notify = true;
                    _notifiedUntil[userKey] = now + retryAfter;
                }

                return false;
            }

            queue.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>The polite message for a user over the limit.</summary>
    public string Refusal(TimeSpan retryAfter) =>
        $"You're asking faster than I can keep up with ({_limit} questions a minute). Please try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds.";

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _asked.Where(kv => kv.Value.Count == 0 || now - kv.Value.Last() >= Window).Select(kv => kv.Key).ToList())
        {
            _asked.Remove(key);
            _notifiedUntil.Remove(key);
        }
    }
}
