using Advisor.Core.Coordination;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// Leases in Redis, shared by every replica: a lease is the key <c>{prefix}lease:{name}</c> holding its owner, with the
/// lease's time-to-live as the key's expiry (so a dead owner's lease ends by itself). Taking, renewing and releasing
/// compare the owner and change the key in one Lua script, atomically. A failure to reach Redis is thrown to the
/// caller (and recorded for <c>/readyz</c>): a lease nobody can confirm must be treated as not held.
/// </summary>
internal sealed class RedisLeaseStore(RedisConnection redis) : ILeaseStore
{
    // Free, or already ours: (re)set with the new expiry.
    private const string AcquireScript = """
        local held = redis.call('GET', KEYS[1])
        if held == false or held == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // Only the holder leaves a note; the note has its own key and expiry, so it outlives the lease.
    private const string NoteScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """;

    public bool SharedAcrossProcesses => true;

    public async Task<bool> WriteNoteAsync(string name, string owner, string note, TimeSpan keep, CancellationToken cancellationToken = default)
    {
        Check(name, owner, keep);
        ArgumentNullException.ThrowIfNull(note);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(NoteScript, [Key(name), NoteKey(name)], [owner, note, Milliseconds(keep)]).ConfigureAwait(false);
            redis.Succeeded();
            return (long)result == 1;
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("write lease note", ex.Message);
            throw;
        }
    }

    public async Task<string?> ReadNoteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var note = await db.StringGetAsync(NoteKey(name)).ConfigureAwait(false);
            redis.Succeeded();
            return note.IsNull ? null : note.ToString();
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("read lease note", ex.Message);
            throw;
        }
    }

    public Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        Check(name, owner, ttl);
        return RunAsync("take lease", AcquireScript, name, owner, Milliseconds(ttl));
    }

    public Task<bool> RenewAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        Check(name, owner, ttl);
        return RunAsync("renew lease", RenewScript, name, owner, Milliseconds(ttl));
    }

    public async Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await RunAsync("release lease", ReleaseScript, name, owner, 0).ConfigureAwait(false);
    }

    public async Task<string?> GetOwnerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var owner = await db.StringGetAsync(Key(name)).ConfigureAwait(false);
            redis.Succeeded();
            return owner.IsNull ? null : owner.ToString();
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("read lease owner", ex.Message);
            throw;
        }
    }

    private async Task<bool> RunAsync(string operation, string script, string name, string owner, long milliseconds)
    {
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(script, [Key(name)], [owner, milliseconds]).ConfigureAwait(false);
            redis.Succeeded();
            return (long)result == 1;
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed(operation, ex.Message);
            throw;
        }
    }

    private RedisKey Key(string name) => redis.Key("lease:" + name);

    private RedisKey NoteKey(string name) => redis.Key("lease-note:" + name);

    /// <summary>Whole milliseconds, at least one (PX 0 is an error).</summary>
    internal static long Milliseconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));

    private static void Check(string name, string owner, TimeSpan ttl)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
    }
}
