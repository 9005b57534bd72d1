using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Advisor.Testing.Discord;

/// <summary>One gateway connection on the emulator, scripted by a test.</summary>
public sealed class GatewayConnection(WebSocket socket, string path, DiscordEmulator emulator)
{
    private readonly Channel<JsonObject> _incoming = Channel.CreateUnbounded<JsonObject>();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource<int?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    /// <summary>"/gateway" for fresh connections, "/resume" for resumes.</summary>
    public string Path { get; } = path;

    /// <summary>Answer heartbeats with op 11 (false simulates a zombie connection).</summary>
    public bool AutoAck { get; set; } = true;

    /// <summary>When the emulator accepted the connection.</summary>
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The close code the client sent (null when the connection dropped without one).</summary>
    public Task<int?> Closed => _closed.Task;

    /// <summary>When the client's close (or the drop) was seen, by <see cref="DiscordEmulator.Clock"/>.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The emulator's number for this connection (1 for the first it accepted).</summary>
    public int Number { get; init; }

    /// <summary>False once the client closed it or it dropped.</summary>
    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>The shard the client identified (or resumed) as on this connection (automatic gateway mode), or null.</summary>
    public int? Shard { get; internal set; }

    /// <summary>The session id READY gave this connection (automatic gateway mode).</summary>
    public string? SessionId { get; internal set; }

    /// <summary>
    /// Answer the client's close frame with one of ours (default). False leaves its close unanswered, as a server that
    /// is slow to close would, so the client keeps reading the connection until it gives up on the handshake.
    /// </summary>
    public bool AnswerClose { get; set; } = true;

    /// <summary>The next payload from the client (heartbeats skipped), or null once the connection closed.</summary>
    public async Task<JsonObject?> NextPayloadAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var read = _incoming.Reader.ReadAsync(timeout.Token).AsTask();
            if (await Task.WhenAny(read, _closed.Task) != read && !read.IsCompleted)
            {
                return null;
            }

            var payload = await read;
            if (payload["op"]!.GetValue<int>() != 1)
            {
                return payload;
            }
        }
    }

    /// <summary>READY for <paramref name="shard"/> (<c>"shard": [id, total]</c>) with the next sequence number.</summary>
    public Task<long> ReadyNextAsync(string botUserId, string sessionId, int shard, int total) => DispatchNextAsync("READY", new JsonObject
    {
        ["v"] = 10,
        ["user"] = new JsonObject { ["id"] = botUserId, ["username"] = "advisor", ["bot"] = true },
        ["guilds"] = new JsonArray(),
        ["session_id"] = sessionId,
        ["resume_gateway_url"] = emulator.WsBase + "/resume",
        ["shard"] = new JsonArray(shard, total),
        ["application"] = new JsonObject { ["id"] = DiscordEmulator.ApplicationId, ["flags"] = 0 },
    });

    public Task HelloAsync(int heartbeatIntervalMs) => SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = heartbeatIntervalMs } });

    public Task DispatchAsync(string type, long seq, JsonNode data) =>
        SendAsync(new JsonObject { ["op"] = 0, ["t"] = type, ["s"] = seq, ["d"] = data });

    public Task ReadyAsync(long seq, string botUserId, string sessionId) => DispatchAsync("READY", seq, new JsonObject
    {
        ["v"] = 10,
        ["user"] = new JsonObject { ["id"] = botUserId, ["username"] = "advisor", ["bot"] = true },
        ["guilds"] = new JsonArray(),
        ["session_id"] = sessionId,
        ["resume_gateway_url"] = emulator.WsBase + "/resume",
        ["application"] = new JsonObject { ["id"] = DiscordEmulator.ApplicationId, ["flags"] = 0 },
    });

    /// <summary>Sends a payload split into three WebSocket fragments (clients must reassemble).</summary>
    public async Task SendAsync(JsonObject payload)
    {
        await _send.WaitAsync();
        try
        {
            await SendLockedAsync(payload);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// A handshake as Discord does it: Hello, then the client's Identify (its token checked), then READY with the next
    /// sequence number. Use with <see cref="DispatchNextAsync"/>, which keeps numbering the dispatches.
    /// </summary>
    public async Task IdentifyAsync(string botUserId, string sessionId, int heartbeatIntervalMs = 41250)
    {
        await HelloAsync(heartbeatIntervalMs);
        var identify = await ExpectAsync(2);
        if (identify["d"]?["token"]?.GetValue<string>() != DiscordEmulator.Token)
        {
            throw new InvalidOperationException("Identify carried the wrong token");
        }

        await ReadyAsync(Interlocked.Increment(ref _sequence), botUserId, sessionId);
    }

    /// <summary>
    /// Sends a dispatch with the next sequence number (numbered under the send lock, so sequence order is wire order).
    /// Returns the <see cref="System.Diagnostics.Stopwatch"/> timestamp taken just before the frame went on the socket.
    /// </summary>
    public async Task<long> DispatchNextAsync(string type, JsonNode data)
    {
        await _send.WaitAsync();
        try
        {
            var payload = new JsonObject { ["op"] = 0, ["t"] = type, ["s"] = Interlocked.Increment(ref _sequence), ["d"] = data };
            var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
            await SendLockedAsync(payload);
            return sentAt;
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// Delivers an interaction (e.g. <see cref="DiscordEmulator.ComponentInteraction"/>, <see cref="DiscordEmulator.ModalSubmit"/>)
    /// as an INTERACTION_CREATE dispatch with the next sequence number, as Discord does for gateway-mode apps; the bot
    /// then answers by callback. Returns the Stopwatch timestamp taken just before the frame went on the socket.
    /// </summary>
    public Task<long> DispatchInteractionAsync(JsonObject interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        emulator.Track(interaction);
        return DispatchNextAsync("INTERACTION_CREATE", interaction.DeepClone());
    }

    private async Task SendLockedAsync(JsonObject payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var cut1 = bytes.Length / 3;
        var cut2 = 2 * bytes.Length / 3;
        await socket.SendAsync(bytes.AsMemory(0, cut1), WebSocketMessageType.Text, false, CancellationToken.None);
        await socket.SendAsync(bytes.AsMemory(cut1, cut2 - cut1), WebSocketMessageType.Text, false, CancellationToken.None);
        await socket.SendAsync(bytes.AsMemory(cut2), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    /// <summary>The next payload from the client with this op (heartbeats are skipped unless asked for).</summary>
    public async Task<JsonObject> ExpectAsync(int op, int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var payload = await _incoming.Reader.ReadAsync(timeout.Token);
            var got = payload["op"]!.GetValue<int>();
            if (got == op)
            {
                return payload;
            }

            if (got != 1)
            {
                throw new InvalidOperationException($"Expected op {op}, got {payload.ToJsonString()}");
            }
        }
    }

    public async Task CloseAsync(int code, string reason)
    {
        await _send.WaitAsync();
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    internal async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        MarkClosed((int?)socket.CloseStatus);
                        if (socket.State == WebSocketState.CloseReceived && AnswerClose)
                        {
                            await _send.WaitAsync();
                            try
                            {
                                await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            }
                            finally
                            {
                                _send.Release();
                            }
                        }
                        else if (!AnswerClose)
                        {
                            // Keep the connection up a while (the test may still send on it) until the client cuts it.
                            await Task.Delay(TimeSpan.FromSeconds(10));
                        }

                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (message.Length > 4096)
                {
                    emulator.Violations.Enqueue($"client sent a {message.Length}-byte gateway payload (limit 4096)");
                }

                var payload = JsonNode.Parse(message.ToArray())!.AsObject();
                if (payload["op"]!.GetValue<int>() == 1 && AutoAck)
                {
                    await SendAsync(new JsonObject { ["op"] = 11 });
                }

                await _incoming.Writer.WriteAsync(payload);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            MarkClosed(null);
        }
    }

    private void MarkClosed(int? code)
    {
        if (!_closed.Task.IsCompleted)
        {
            ClosedAt = emulator.Clock();
            _closed.TrySetResult(code);
        }
    }
}
