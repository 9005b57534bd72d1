using Advisor.Core.Conversations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// The per-user limit counted across replicas: a sliding one-minute window per user in a sorted set
/// <c>{prefix}limit:{user hash}</c> (one member per question, scored by Redis's own clock, so replicas' clocks do not
/// matter), checked and added to in one Lua script. The first refusal of a window sets
/// <c>{prefix}limit-told:{user hash}</c> until the user may ask again, so they are told once, whichever replica they
/// reach. Users are keyed by their salted hash, never their id. Intake still counts on this replica first
/// (<see cref="UserRateLimiter"/>, without I/O). Redis unreachable: allowed (this replica's own count holds).
/// </summary>
internal sealed class RedisUserRateLimit(
    RedisConnection redis,
    UserRateLimiter here,
    UserHasher hasher,
    IOptions<ConversationOptions> options) : IUserRateLimit
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // KEYS: the window, the "told" flag. ARGV: window ms, limit, a unique member. Returns {allowed, retry ms, notify}.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], now, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], window)
          return {1, 0, 0}
        end
        local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
        local retry = math.max(1, oldest + window - now)
        local told = redis.call('SET', KEYS[2], '1', 'NX', 'PX', retry)
        return {0, retry, told and 1 or 0}
        """;

    private readonly int _limit = options.Value.QuestionsPerUserPerMinute;
    private long _sequence;

    public int Limit => _limit;

    public bool TryAcquire(string userKey, out TimeSpan retryAfter, out bool notify) => here.TryAcquire(userKey, out retryAfter, out notify);

    public async ValueTask<RateLimitDecision> TryAcquireAcrossReplicasAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        var user = Hash(userKey);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var member = $"{redis.Replica.Id}:{Interlocked.Increment(ref _sequence)}";
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [redis.Key("limit:" + user), redis.Key("limit-told:" + user)],
                [(long)Window.TotalMilliseconds, _limit, member]).ConfigureAwait(false))!;
            redis.Succeeded();
            return (long)result[0] == 1
                ? RateLimitDecision.Allow
                : new RateLimitDecision(false, TimeSpan.FromMilliseconds((long)result[1]), (long)result[2] == 1);
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("per-user limit", ex.Message);
            return RateLimitDecision.Allow;
        }
    }

    public string Refusal(TimeSpan retryAfter) => here.Refusal(retryAfter);

    /// <summary>The user's salted hash ("slack:U1" → the hasher's "slack" hash of "U1").</summary>
    private string Hash(string userKey)
    {
        var colon = userKey.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? hasher.Hash(userKey[..colon], userKey[(colon + 1)..]) : hasher.Hash("-", userKey);
    }
}
