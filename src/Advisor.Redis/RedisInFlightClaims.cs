using System.Globalization;
using System.Text.Json;
using Advisor.Core.Coordination;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Advisor.Redis;

/// <summary>
/// The questions being answered, shared by the replicas: a hash <c>{prefix}inflight:{id}</c> per question (the message
/// and its reply target as JSON, the owner, the replica, the message's dedupe key), its lease
/// <c>{prefix}lease:inflight:{id}</c> (the owner, expiring with the lease, as <see cref="RedisLeaseStore"/> keeps
/// leases), and the sorted set <c>{prefix}inflight</c> of ids scored by their lease's expiry in Redis's own clock, which
/// the sweepers read. Every change that compares an owner is one Lua script, so only one replica takes a question
/// over. A record outlives a lost index entry by at most <see cref="RecordLifetime"/>. Redis unreachable: a claim is
/// not recorded (the answer goes on), a renewal cannot be told (null), a sweep finds nothing; the failure is recorded
/// for <c>/readyz</c> and the log.
/// </summary>
internal sealed partial class RedisInFlightClaims(RedisConnection redis, ILogger<RedisInFlightClaims> logger) : IInFlightClaims
{
    /// <summary>The longest a record is kept, whatever happens to its index entry (the pipeline's dedupe window).</summary>
    internal static readonly TimeSpan RecordLifetime = TurnPipeline.DedupeWindow;

    // Redis's own clock, in ms (a statement of its own line: scripts are put together around it).
    private const string Now = "\n" + """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """ + "\n";

    // KEYS: record, lease, index. ARGV: owner, lease ms, record ms, id, message, target, replica, dedupe, dedupe ms, since ms.
    private const string BeginScript = """
        local held = redis.call('HGET', KEYS[1], 'owner')
        if held and held ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'message', ARGV[5], 'target', ARGV[6], 'replica', ARGV[7],
          'dedupe', ARGV[8], 'dedupeMs', ARGV[9], 'takeovers', '0', 'since', ARGV[10])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
        """ + Now + """
        redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[4])
        return 1
        """;

    // KEYS: record, lease, index. ARGV: owner, lease ms, id. A lease that expired while nobody took the question over is taken back.
    private const string RenewScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
          return 0
        end
        local lease = redis.call('GET', KEYS[2])
        if lease and lease ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
        """ + Now + """
        redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[3])
        return 1
        """;

    // KEYS: record, lease, index. ARGV: owner, id.
    private const string CompleteScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
          return 0
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[3], ARGV[2])
        if redis.call('GET', KEYS[2]) == ARGV[1] then
          redis.call('DEL', KEYS[2])
        end
        return 1
        """;

    // KEYS: record, lease, index. ARGV: owner, id.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
          return 0
        end
        if redis.call('GET', KEYS[2]) == ARGV[1] then
          redis.call('DEL', KEYS[2])
        end
        """ + Now + """
        redis.call('ZADD', KEYS[3], now, ARGV[2])
        return 1
        """;

    // KEYS: index. ARGV: max.
    private const string ExpiredScript = Now + """
        return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        """;

    // KEYS: record, index. ARGV: id. The record's fields, or nothing (its index entry, an orphan, is removed).
    private const string ReadScript = """
        local fields = redis.call('HGETALL', KEYS[1])
        if #fields == 0 then
          redis.call('ZREM', KEYS[2], ARGV[1])
        end
        return fields
        """;

    // KEYS: record, lease, index, the message's dedupe key (or the record again when it has none).
    // ARGV: expected owner, new owner, new replica, lease ms, id, has dedupe, expected replica.
    // 1: taken over; 0: not abandoned after all; 2: another replica took the message on (the record is deleted).
    private const string TakeOverScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
          return 0
        end
        if redis.call('EXISTS', KEYS[2]) == 1 then
          return 0
        end
        if ARGV[6] == '1' then
          local seen = redis.call('GET', KEYS[4])
          if seen and seen ~= ARGV[7] and seen ~= ARGV[3] then
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[3], ARGV[5])
            return 2
          end
          redis.call('SET', KEYS[4], ARGV[3], 'PX', tonumber(redis.call('HGET', KEYS[1], 'dedupeMs')))
        end
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
        redis.call('HINCRBY', KEYS[1], 'takeovers', 1)
        redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'replica', ARGV[3])
        """ + Now + """
        redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[5])
        return 1
        """;

    // KEYS: record, lease, index. ARGV: expected owner, id. Only an abandoned record, as it was read.
    private const string DropScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 1 then
          return 0
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[3], ARGV[2])
        return 1
        """;

    public bool Shared => true;

    public bool Reachable => redis.Healthy;

    private RedisKey Index => redis.Key("inflight");

    public async Task<ClaimBegin> TryBeginAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = await RunAsync("record a question in flight", BeginScript, Keys(record.Id),
        [
            record.Owner, RedisLeaseStore.Milliseconds(lease), RedisLeaseStore.Milliseconds(RecordLifetime), record.Id,
            JsonSerializer.Serialize(record.Message, InFlightJson.Default.IncomingMessage),
            JsonSerializer.Serialize(record.Target, InFlightJson.Default.ReplyTarget),
            record.Replica, record.Dedupe ?? "", RedisLeaseStore.Milliseconds(record.DedupeLifetime), record.Since.ToUnixTimeMilliseconds(),
        ]).ConfigureAwait(false);
        return result switch
        {
            null => ClaimBegin.NotRecorded,
            1 => ClaimBegin.Begun,
            _ => ClaimBegin.HeldElsewhere,
        };
    }

    public async Task<bool?> RenewAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = await RunAsync("renew a question's claim", RenewScript, Keys(record.Id), [record.Owner, RedisLeaseStore.Milliseconds(lease), record.Id]).ConfigureAwait(false);
        return result is null ? null : result == 1;
    }

    public async Task CompleteAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        // Unreachable: recorded and logged by the connection; the lease then expires, and the sweeper that takes the
        // question over finds its reply on the platform first.
        await RunAsync("delete a question's claim", CompleteScript, Keys(record.Id), [record.Owner, record.Id]).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await RunAsync("give a question's lease back", ReleaseScript, Keys(record.Id), [record.Owner, record.Id]).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ExpiredAsync(int max, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(ExpiredScript, [Index], [max]).ConfigureAwait(false);
            redis.Succeeded();
            return result.IsNull ? [] : [.. ((RedisResult[])result!).Select(r => r.ToString())];
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("look for abandoned questions", ex.Message);
            return [];
        }
    }

    public async Task<InFlightRecord?> ReadAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        RedisResult result;
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            result = await db.ScriptEvaluateAsync(ReadScript, [RecordKey(id), Index], [id]).ConfigureAwait(false);
            redis.Succeeded();
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed("read an abandoned question", ex.Message);
            return null;
        }

        var values = (RedisResult[])result!;
        if (values.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < values.Length; i += 2)
        {
            fields[values[i].ToString()] = values[i + 1].ToString();
        }

        if (Parse(id, fields) is { } record)
        {
            return record;
        }

        Log.Unreadable(logger, id);
        await RunAsync("drop an unreadable question", DropScript, Keys(id), [fields.GetValueOrDefault("owner", ""), id]).ConfigureAwait(false);
        return null;
    }

    public async Task<InFlightRecord?> TryTakeOverAsync(InFlightRecord expired, string owner, string replica, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expired);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(replica);
        var dedupe = expired.Dedupe is { Length: > 0 } d ? redis.Key("seen:" + d) : RecordKey(expired.Id);
        var result = await RunAsync("take an abandoned question over", TakeOverScript,
            [RecordKey(expired.Id), LeaseKey(expired.Id), Index, dedupe],
            [expired.Owner, owner, replica, RedisLeaseStore.Milliseconds(lease), expired.Id, expired.Dedupe is { Length: > 0 } ? "1" : "0", expired.Replica]).ConfigureAwait(false);
        if (result == 2)
        {
            Log.TakenOnElsewhere(logger, expired.Message.Platform, expired.Message.DedupeKey);
        }

        return result == 1 ? expired with { Owner = owner, Replica = replica, TakeOvers = expired.TakeOvers + 1 } : null;
    }

    public async Task DropAsync(InFlightRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await RunAsync("drop an abandoned question", DropScript, Keys(record.Id), [record.Owner, record.Id]).ConfigureAwait(false);
    }

    /// <summary>Runs a script; its number, or null when Redis could not be reached (recorded).</summary>
    private async Task<long?> RunAsync(string operation, string script, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            var db = await redis.DatabaseAsync().ConfigureAwait(false);
            var result = await db.ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
            redis.Succeeded();
            return (long)result;
        }
        catch (Exception ex) when (RedisConnection.IsRedisFailure(ex))
        {
            redis.Failed(operation, ex.Message);
            return null;
        }
    }

    private RedisKey[] Keys(string id) => [RecordKey(id), LeaseKey(id), Index];

    private RedisKey RecordKey(string id) => redis.Key("inflight:" + id);

    private RedisKey LeaseKey(string id) => redis.Key("lease:inflight:" + id);

    private static InFlightRecord? Parse(string id, Dictionary<string, string> fields)
    {
        try
        {
            if (!fields.TryGetValue("owner", out var owner) || !fields.TryGetValue("replica", out var replica)
                || !fields.TryGetValue("message", out var messageJson) || !fields.TryGetValue("target", out var targetJson)
                || JsonSerializer.Deserialize(messageJson, InFlightJson.Default.IncomingMessage) is not { } message
                || JsonSerializer.Deserialize(targetJson, InFlightJson.Default.ReplyTarget) is not { } target)
            {
                return null;
            }

            return new InFlightRecord
            {
                Id = id,
                Message = message,
                Target = target,
                Owner = owner,
                Replica = replica,
                Dedupe = fields.GetValueOrDefault("dedupe") is { Length: > 0 } dedupe ? dedupe : null,
                DedupeLifetime = TimeSpan.FromMilliseconds(Number(fields, "dedupeMs")),
                TakeOvers = (int)Number(fields, "takeovers"),
                Since = DateTimeOffset.FromUnixTimeMilliseconds(Number(fields, "since")),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static partial class Log
    {
        [LoggerMessage(520, LogLevel.Error, "Question in flight {Claim}: its record cannot be read; deleted")]
        public static partial void Unreadable(ILogger logger, string claim);

        [LoggerMessage(521, LogLevel.Information, "{Platform} message {Key}: left by a stopped replica, but another replica took the message on itself; not taken over")]
        public static partial void TakenOnElsewhere(ILogger logger, string platform, string key);
    }
}
