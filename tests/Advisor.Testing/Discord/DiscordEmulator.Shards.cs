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
/// Tests then send events to whichever connection holds a shard (<see cref="DispatchToShardAsync"/>).
/// </summary>
public sealed partial class DiscordEmulator
{
    private readonly Lock _shardGate = new();
    private readonly Dictionary<int, DateTimeOffset> _lastIdentifyInBucket = [];
    private readonly List<GatewayConnection> _autoConnections = [];
    private int _pendingHandshakes;

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

    /// <summary>Sends a dispatch on the one open connection that holds <paramref name="shard"/>; false when none does.</summary>
    public async Task<bool> DispatchToShardAsync(int shard, string type, JsonNode data)
    {
        var open = OpenConnectionsOf(shard);
        if (open.Count != 1)
        {
            return false;
        }

        await open[0].DispatchNextAsync(type, data);
        return true;
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
                    await connection.ReadyNextAsync(EmulatorSettings.DiscordBotUserId, connection.SessionId, shard.Item1, shard.Item2);
                    break;
                case 6:
                    var session = d?["session_id"]?.GetValue<string>();
                    GatewayConnection? earlier;
                    lock (_shardGate)
                    {
                        earlier = _autoConnections.FirstOrDefault(c => c.SessionId == session && c != connection);
                        if (earlier?.Shard is { } resumed)
                        {
                            CheckOverlap(connection, resumed);
                            connection.Shard = resumed;
                            connection.SessionId = session;
                        }
                    }

                    Interlocked.Decrement(ref _pendingHandshakes);
                    pending = false;
                    if (earlier is null)
                    {
                        await connection.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false });
                        return;
                    }

                    await connection.DispatchNextAsync("RESUMED", new JsonObject());
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
