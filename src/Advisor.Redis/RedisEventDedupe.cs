using Advisor.Core.Coordination;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// Dedupe shared by the replicas. Intake (<see cref="TryClaim"/>) stays in this replica's memory, without I/O; the claim
/// across replicas is the key <c>{prefix}seen:{scope}:{key}</c>, set only when absent (with the scope's lifetime as
/// its expiry) to this replica's id — one round trip. A key this replica claimed before is its own again (a second
/// look from the same replica is not a repeat). Redis unreachable: the claim is granted (answered rather than lost; the
/// reply channel's "answered before?" check still stands against a double) and the failure is recorded.
/// </summary>
internal sealed class RedisEventDedupe(RedisConnection redis, TimeProvider time) : IEventDedupe
{
    private const string ClaimScript = """
        local held = redis.call('GET', KEYS[1])
        if held == false then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        if held == ARGV[1] then
          return 1
        end
        return 0
        """;

    private readonly InMemoryEventDedupe _here = new(time);

    public bool Shared => true;

    public bool TryClaim(DedupeScope scope, string key) => _here.TryClaim(scope, key);

    public void Release(DedupeScope scope, string key) => _here.Release(scope, key);

    public async ValueTask<bool> TryClaimAcrossReplicasAsync(DedupeScope scope, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(ClaimScript, [redis.Key($"seen:{scope.Name}:{key}")],
                [redis.Replica.Id, RedisLeaseStore.Milliseconds(scope.Lifetime)]).ConfigureAwait(false);
            redis.Succeeded();
            return (long)result == 1;
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("dedupe claim", ex.Message);
            return true;
        }
    }
}
