using System.Globalization;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Discord;

/// <summary>One IDENTIFY the emulator accepted: the shard, the total, when (by <see cref="DiscordEmulator.Clock"/>) and on which connection.</summary>
public sealed record IdentifyRecord(int Shard, int Total, DateTimeOffset At, int Connection);

/// <summary>
/// Sharding (issue 14): <c>GET /gateway/bot</c> reports <see cref="RecommendedShards"/> and <see cref="MaxConcurrency"/>;
/// with <see cref="AutoGateway"/> the emulator plays Discord's side of every gateway handshake itself — HELLO, the
/// client's IDENTIFY checked (its shard, its identify bucket's 5-second window, and that no other open connection
/// holds the same shard), READY carrying the shard — and logs each IDENTIFY with its time (<see cref="Identifies"/>).
/// Tests then send events to a shard (<see cref="DispatchToShardAsync"/>), which go, as on Discord, to the shard's
/// session: on its open connection, or — while the session's connection is gone but the session was not ended (closed
/// with 1000/1001, or replaced by a new IDENTIFY of the shard) — held, and replayed in order to the client that resumes
/// the session with the sequence number it last took in (any process may resume it: the session id is what counts).
/// Sessions here do not time out.
/// </summary>
public sealed partial class DiscordEmulator
{
    private readonly Lock _shardGate = new();
    private readonly Dictionary<int, DateTimeOffset> _lastIdentifyInBucket = [];
    private readonly List<GatewayConnection> _autoConnections = [];
    private int _pendingHandshakes;
    private readonly Dictionary<string, AutoSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A session in automatic mode: its shard, the events sent to it (numbered), and its current connection.</summary>
    private sealed class AutoSession(string id, int shard)
    {
        public string Id { get; } = id;

        public int Shard { get; } = shard;

        /// <summary>Held while an event is numbered and sent, and while a resume replays: sequence order is wire order.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Sequence;

        public List<(long Seq, string Type, JsonNode Data)> Sent { get; } = [];

        /// <summary>The highest sequence number of the events no longer kept (0: none dropped).</summary>
        public long DroppedThrough;

        public GatewayConnection? Connection;

        /// <summary>A new IDENTIFY of the shard replaced it.</summary>
        public bool Replaced;

        /// <summary>Ended: its client closed with 1000 or 1001, or it was replaced.</summary>
        public bool Ended => Replaced || (Connection is { } c && c.Closed.IsCompleted && c.Closed.Result is 1000 or 1001);
    }

    /// <summary>Events sent to sessions whose connection was gone, held for a resume (automatic mode).</summary>
    public long HeldForResume => Interlocked.Read(ref _heldForResume);

    private long _heldForResume;

    /// <summary>Events replayed to clients that resumed a session (automatic mode).</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    private long _replayed;

    /// <summary>RESUMEs of a session that a connection other than its last one had established (automatic mode).</summary>
    public long ResumedElsewhere => Interlocked.Read(ref _resumedElsewhere);

    private long _resumedElsewhere;

    /// <summary>What <c>GET /gateway/bot</c> recommends as <c>shards</c> (default 1).</summary>
    public int RecommendedShards { get; set; } = 1;

    /// <summary><c>session_start_limit.max_concurrency</c>: identify buckets are <c>shard_id % max_concurrency</c> (default 1).</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>The time identifies are logged and paced by (a test's fake clock); real time by default.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Play the gateway handshake automatically instead of handing each connection to the test (<see cref="NextConnectionAsync"/>).</summary>
    public bool AutoGateway { get; set; }

    /// <summary>The heartbeat interval HELLO announces in automatic mode (long: a test on a fake clock never waits for ACKs).</summary>
    public int AutoHeartbeatMs { get; set; } = 3_600_000;

    /// <summary>Every IDENTIFY accepted in automatic mode, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<IdentifyRecord> Identifies { get; } = new();

    /// <summary>Connections that have said HELLO and not yet had their IDENTIFY or RESUME taken in (automatic mode).</summary>
    public int PendingHandshakes => Volatile.Read(ref _pendingHandshakes);

    /// <summary>The shard a guild's events go to: <c>(guild_id &gt;&gt; 22) % total</c>.</summary>
    public static int ShardOf(string guildId, int total) =>
        (int)((ulong.Parse(guildId, CultureInfo.InvariantCulture) >> 22) % (ulong)total);

    /// <summary>A guild id whose events go to <paramref name="shard"/> of <paramref name="total"/> (the <paramref name="n"/>-th such id).</summary>
    public static string GuildOnShard(int shard, int total, int n = 0) =>
        (((ulong)((1000 + n) * total + shard) << 22) | 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The open connections that identified (or resumed) as <paramref name="shard"/>.</summary>
    public IReadOnlyList<GatewayConnection> OpenConnectionsOf(int shard)
    {
        lock (_shardGate)
        {
            return _autoConnections.Where(c => c.Shard == shard && c.IsOpen).ToList();
        }
    }

    /// <summary>
    /// Sends a dispatch to the session that holds <paramref name="shard"/>: on its open connection, or held for its resume
    /// while the connection is gone and the session not ended. False when no session can take it (none yet, the last
    /// one ended) — Discord would not deliver it to a session identified later.
    /// </summary>
    public async Task<bool> DispatchToShardAsync(int shard, string type, JsonNode data)
    {
        ArgumentNullException.ThrowIfNull(data);
        AutoSession? session;
        lock (_shardGate)
        {
            session = _sessions.Values.FirstOrDefault(x => x.Shard == shard && !x.Replaced); // an IDENTIFY replaces the shard's earlier session
        }

        if (session is null)
        {
            return false;
        }

        await session.Gate.WaitAsync();
        try
        {
            if (session.Ended)
            {
                return false;
            }

            var seq = ++session.Sequence;
            session.Sent.Add((seq, type, data.DeepClone()));
            if (session.Sent.Count > 20_000)
            {
                session.DroppedThrough = session.Sent[9_999].Seq;
                session.Sent.RemoveRange(0, 10_000); // a resume from before what is kept is refused (op 9)
            }

            if (session.Connection is { IsOpen: true } open)
            {
                try
                {
                    await open.DispatchAsync(type, seq, data);
                    return true;
                }
                catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // gone under the send: held for the resume like any other
                }
            }

            Interlocked.Increment(ref _heldForResume);
            return true;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task AutoHandshakeAsync(GatewayConnection connection)
    {
        Interlocked.Increment(ref _pendingHandshakes);
        var pending = true;
        try
        {
            lock (_shardGate)
            {
                _autoConnections.Add(connection);
            }

            await connection.HelloAsync(AutoHeartbeatMs);
            var first = await connection.NextPayloadAsync();
            if (first is null)
            {
                return; // closed before identifying
            }

            var d = first["d"];
            switch (first["op"]!.GetValue<int>())
            {
                case 2:
                    if (d?["token"]?.GetValue<string>() != Token)
                    {
                        Violations.Enqueue($"connection {connection.Number}: IDENTIFY with the wrong token");
                        await connection.CloseAsync(4004, "Authentication failed.");
                        return;
                    }

                    var shard = d["shard"] is JsonArray { Count: 2 } pair ? (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>()) : (0, 1);
                    if (shard.Item2 < 1 || shard.Item1 < 0 || shard.Item1 >= shard.Item2)
                    {
                        Violations.Enqueue($"connection {connection.Number}: IDENTIFY with invalid shard [{shard.Item1}, {shard.Item2}]");
                        await connection.CloseAsync(4010, "Invalid shard.");
                        return;
                    }

                    TakeIdentify(connection, shard.Item1, shard.Item2);
                    Interlocked.Decrement(ref _pendingHandshakes);
                    pending = false;
                    connection.SessionId = $"auto-session-{connection.Number}";
                    var fresh = new AutoSession(connection.SessionId, shard.Item1) { Connection = connection };
                    await fresh.Gate.WaitAsync();
                    try
                    {
                        lock (_shardGate)
                        {
                            foreach (var old in _sessions.Values.Where(x => x.Shard == shard.Item1))
                            {
                                old.Replaced = true; // a new session for the shard: the old one's held events are lost
                            }

                            _sessions[fresh.Id] = fresh;
                        }

                        fresh.Sequence = 1;
                        await connection.ReadyNextAsync(EmulatorSettings.DiscordBotUserId, connection.SessionId, shard.Item1, shard.Item2);
                    }
                    finally
                    {
                        fresh.Gate.Release();
                    }

                    break;
                case 6:
                    var sessionId = d?["session_id"]?.GetValue<string>();
                    var from = d?["seq"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? d["seq"]!.GetValue<long>() : 0;
                    AutoSession? resumed;
                    lock (_shardGate)
                    {
                        resumed = sessionId is not null && _sessions.TryGetValue(sessionId, out var known) && !known.Ended ? known : null;
                    }

                    Interlocked.Decrement(ref _pendingHandshakes);
                    pending = false;
                    if (resumed is null)
                    {
                        await connection.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false });
                        return;
                    }

                    await resumed.Gate.WaitAsync();
                    try
                    {
                        // Only a resume from before events no longer kept is refused: the numbers READY and RESUMED took are
                        // in no event replayed, so a gap below the first kept event is not a loss.
                        if (from < resumed.DroppedThrough)
                        {
                            await connection.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false }); // older than what is kept
                            return;
                        }

                        lock (_shardGate)
                        {
                            CheckOverlap(connection, resumed.Shard);
                            connection.Shard = resumed.Shard;
                            connection.SessionId = resumed.Id;
                        }

                        if (resumed.Connection is { } previous && previous != connection)
                        {
                            Interlocked.Increment(ref _resumedElsewhere);
                        }

                        resumed.Connection = connection;
                        foreach (var (seq, type, data) in resumed.Sent.Where(e => e.Seq > from))
                        {
                            await connection.DispatchAsync(type, seq, data.DeepClone());
                            Interlocked.Increment(ref _replayed);
                        }

                        await connection.DispatchAsync("RESUMED", ++resumed.Sequence, new JsonObject());
                    }
                    finally
                    {
                        resumed.Gate.Release();
                    }

                    break;
                default:
                    Violations.Enqueue($"connection {connection.Number}: expected IDENTIFY or RESUME after HELLO, got {first.ToJsonString()}");
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // The client went away during the handshake.
        }
        finally
        {
            if (pending)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
            }
        }
    }

    /// <summary>Logs an IDENTIFY and checks it as Discord's limits would: one per bucket per 5 s, one connection per shard.</summary>
    private void TakeIdentify(GatewayConnection connection, int shard, int total)
    {
        lock (_shardGate)
        {
            var at = Clock();
            var bucket = shard % Math.Max(1, MaxConcurrency);
            if (_lastIdentifyInBucket.TryGetValue(bucket, out var previous) && at - previous < TimeSpan.FromSeconds(5))
            {
                Violations.Enqueue($"shard {shard}: IDENTIFY {(at - previous).TotalMilliseconds:0} ms after another in bucket {bucket} (max_concurrency {MaxConcurrency}); Discord allows one per 5 s");
            }

            _lastIdentifyInBucket[bucket] = at;
            CheckOverlap(connection, shard);
            connection.Shard = shard;
            Identifies.Enqueue(new IdentifyRecord(shard, total, at, connection.Number));
        }
    }

    private void CheckOverlap(GatewayConnection connection, int shard)
    {
        foreach (var other in _autoConnections.Where(c => c != connection && c.Shard == shard && c.IsOpen))
        {
            Violations.Enqueue($"shard {shard}: connection {connection.Number} took it while connection {other.Number} still had it open");
        }
    }
}
