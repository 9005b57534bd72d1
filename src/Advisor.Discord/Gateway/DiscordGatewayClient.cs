using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Advisor.Core;
using Advisor.Discord.Rest;
using Advisor.Discord.Sharding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Gateway;

/// <summary>
/// The Discord Gateway v10 connection of one shard: HELLO, jittered heartbeats with zombie detection, IDENTIFY (paced
/// by the <see cref="IdentifyPacer"/>) / RESUME, op 7 / op 9 handling, fatal close codes, fragment reassembly and an
/// outbound rate below 120 per 60 s. The <see cref="ShardCoordinator"/> creates one per shard this replica holds and
/// closes it (<see cref="CloseAsync"/>) when the shard is handed over or its lease is lost; from then on no event of the
/// shard is taken in (<see cref="ShardContext.Accepting"/>).
/// </summary>
internal sealed partial class DiscordGatewayClient(
    ShardContext shard,
    GatewayBotSource gatewayBot,
    IdentifyPacer pacer,
    IWebSocketFactory sockets,
    IReadOnlyList<IGatewayDispatchHandler> handlers,
    DiscordIdentity identity,
    DiscordStatus adapter,
    IOptions<DiscordOptions> options,
    GatewaySettings settings,
    TimeProvider time,
    AdvisorMetrics metrics,
    ILogger<DiscordGatewayClient> logger)
{
    /// <summary>A close code of our own that is neither 1000 nor 1001, so the session stays resumable.</summary>
    private const WebSocketCloseStatus ResumableClose = (WebSocketCloseStatus)4900;

    private readonly DiscordOptions _options = options.Value;

    /// <summary>A session was established before: a later READY is a reconnect with a new session.</summary>
    private bool _everReady;
    private readonly ShardStatus _status = shard.Status;
    private string? _sessionId;
    private string? _resumeUrl;
    private long? _sequence;

    /// <summary>The sequence number of the last event taken in (not merely received): where another replica resumes from.</summary>
    private long? _acceptedSequence;
    private readonly Lock _sessionGate = new();

    /// <summary>Whether the current connection reached READY or RESUMED (only that resets the backoff).</summary>
    private volatile bool _established;

    /// <summary>The shard is being closed for good (handed over or lost): no reconnect, no IDENTIFY.</summary>
    private volatile bool _closing;

    /// <summary>No identify has been sent yet: the first may use the coordinator's fresh GET /gateway/bot.</summary>
    private bool _firstIdentify = true;

    private Connection? _current;
    private bool _droppedLogged;

    private enum Next
    {
        Resume,
        Identify,
        InvalidSession,
        Retry,
        Fatal,
        Closed,
    }

    /// <summary>
    /// Runs connections until cancelled, closed (<see cref="CloseAsync"/>) or stopped by a fatal close code or a 401.
    /// Dispatches are taken in on the receive loop and their work queued (the platform's work queue, which the
    /// coordinator drains on shutdown).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, adapter.Stopped);
        try
        {
            await ConnectLoopAsync(linked.Token);
        }
        finally
        {
            _status.Set(false, "disconnected");
        }
    }

    /// <summary>
    /// Closes the shard's connection for good and stops reconnecting: with 1000, which ends the session (the next owner
    /// of the shard identifies afresh), or — <paramref name="keepSession"/>, when another replica can take the shard
    /// over — with a code of our own, so Discord keeps the session and holds its events for the next owner's RESUME.
    /// True when a close was sent on an open connection, whose run then ends once the server answers the close; false
    /// when none was open (cancel the run).
    /// </summary>
    public async Task<bool> CloseAsync(string reason, bool keepSession = false)
    {
        _closing = true;
        if (_current is not { } c)
        {
            return false;
        }

        return await CloseWithAsync(c, keepSession ? ResumableClose : WebSocketCloseStatus.NormalClosure, reason);
    }

    /// <summary>
    /// The session as another replica would resume it — its id, its resume URL, the last event taken in here — or null
    /// before READY and after the session ended.
    /// </summary>
    public GatewaySession? Session
    {
        get
        {
            lock (_sessionGate)
            {
                return _sessionId is { } id && _resumeUrl is { } url && _acceptedSequence is { } seq
                    ? new GatewaySession(id, url, seq, shard.Id, shard.Total, identity.BotUserId)
                    : null;
            }
        }
    }

    /// <summary>
    /// Before <see cref="RunAsync"/>: resume the session a previous holder of this shard left (its id, resume URL and
    /// last event taken in) instead of identifying, so Discord replays what it sent since. A session of another shard
    /// layout is ignored; one Discord no longer knows is answered with INVALID_SESSION, and the shard identifies.
    /// </summary>
    public bool ResumeFrom(GatewaySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Shard != shard.Id || session.Total != shard.Total)
        {
            return false;
        }

        lock (_sessionGate)
        {
            _sessionId = session.SessionId;
            _resumeUrl = session.ResumeUrl;
            _sequence = _acceptedSequence = session.Sequence;
        }

        _everReady = true; // the session was established before, elsewhere
        if (identity.BotUserId is null && session.BotUserId is { Length: > 0 } botUserId)
        {
            identity.BotUserId = botUserId; // READY said so to the replica that identified
        }

        return true;
    }

    private async Task ConnectLoopAsync(CancellationToken ct)
    {
        var backoff = settings.ReconnectDelay;
        var lastWasPrompt = false;
        while (!ct.IsCancellationRequested)
        {
            Next next;
            string? fatal = null;
            _established = false;
            IdentifyTurn? turn = null;
            try
            {
                var resume = _sessionId is not null && _resumeUrl is not null;
                string url;
                if (resume)
                {
                    url = _resumeUrl!;
                }
                else
                {
                    GatewayBotInfo info;
                    (url, info) = await GatewayUrlForIdentifyAsync(ct);
                    turn = await pacer.WaitTurnAsync(shard.Id, info.SessionStartLimit?.MaxConcurrency ?? 1, ct);
                }

                (next, fatal) = await RunConnectionAsync(WithQuery(url), turn, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested || _closing)
            {
                break;
            }
            catch (DiscordUnauthorizedException)
            {
                break;
            }
            catch (OperationCanceledException ex)
            {
                // Not our token: a timeout (HttpClient.Timeout, a connect timeout). Retry like any failed attempt.
                Log.ConnectFailed(logger, shard.Id, "timed out: " + ex.Message);
                next = Next.Retry;
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or DiscordApiException or IOException or JsonException or IdentifyPacingException)
            {
                Log.ConnectFailed(logger, shard.Id, ex.Message);
                next = Next.Retry;
            }
            finally
            {
                if (turn is not null)
                {
                    await turn.DisposeAsync(); // gives an unused turn back at once
                }
            }

            if (next == Next.Closed || _closing)
            {
                return;
            }

            if (next == Next.Fatal)
            {
                Log.Fatal(logger, shard.Id, fatal!);
                adapter.Stop(fatal!);
                return;
            }

            if (_established)
            {
                backoff = settings.ReconnectDelay;
            }

            // A working session that is told to reconnect (op 7, a resumable close, a zombie) resumes at once, but only
            // once in a row; every other outcome waits the backoff, which doubles until a connection reaches READY/RESUMED.
            var prompt = next == Next.Resume && _established && !lastWasPrompt;
            var wait = prompt ? TimeSpan.Zero : backoff;
            if (!prompt)
            {
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxReconnectDelay.Ticks));
            }

            lastWasPrompt = prompt;
            switch (next)
            {
                case Next.InvalidSession:
                    ForgetSession();
                    var span = settings.InvalidSessionDelayMax - settings.InvalidSessionDelayMin;
                    var courtesy = settings.InvalidSessionDelayMin + span * Random.Shared.NextDouble();
                    wait = courtesy > wait ? courtesy : wait;
                    break;
                case Next.Identify:
                    ForgetSession();
                    break;
                case Next.Retry:
                    _status.Set(false, "reconnecting");
                    break;
            }

            if (wait > TimeSpan.Zero)
            {
                Log.Backoff(logger, shard.Id, wait.TotalSeconds);
            }

            await DelayAsync(wait, ct);
        }
    }

    /// <summary>
    /// GET /gateway/bot before every IDENTIFY (the first may use the coordinator's answer of a moment ago): the URL to
    /// connect to, max_concurrency for the identify bucket, and the session start limit, which is waited out when no
    /// identify is left (running out resets the bot token).
    /// </summary>
    private async Task<(string Url, GatewayBotInfo Info)> GatewayUrlForIdentifyAsync(CancellationToken ct)
    {
        var info = await gatewayBot.GetAsync(_firstIdentify ? settings.GatewayBotReuse : TimeSpan.Zero, ct);
        _firstIdentify = false;
        if (info.SessionStartLimit is { Remaining: <= 0 } limit)
        {
            var wait = limit.ResetAfter > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : limit.ResetAfter;
            Log.SessionStartLimit(logger, shard.Id, limit.Total, wait.TotalSeconds);
            _status.Set(false, "waiting for Discord's session start limit to reset");
            await Task.Delay(wait, time, ct);
        }

        return (info.Url, info);
    }

    private void ForgetSession()
    {
        lock (_sessionGate)
        {
            _sessionId = null;
            _resumeUrl = null;
            _sequence = _acceptedSequence = null;
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Uri WithQuery(string url)
    {
        var b = new UriBuilder(url);
        var query = b.Query.TrimStart('?');
        var parts = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("v=", StringComparison.Ordinal) && !p.StartsWith("encoding=", StringComparison.Ordinal))
            .Append("v=10").Append("encoding=json");
        b.Query = string.Join('&', parts);
        if (b.Path.Length == 0)
        {
            b.Path = "/";
        }

        return b.Uri;
    }

    private sealed class Connection(WebSocket socket, CancellationTokenSource cts)
    {
        public WebSocket Socket { get; } = socket;
        public CancellationTokenSource Cts { get; } = cts;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public Queue<DateTimeOffset> Sent { get; } = new();
        public volatile bool Acked = true;
        public volatile bool Zombie;
    }

    private async Task<(Next, string?)> RunConnectionAsync(Uri uri, IdentifyTurn? turn, CancellationToken ct)
    {
        var resume = turn is null;
        _status.Set(false, resume ? "resuming" : "connecting");
        Log.Connecting(logger, shard.Id, uri.GetLeftPart(UriPartial.Path), resume);
        using var socket = await sockets.ConnectAsync(uri, ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var c = new Connection(socket, cts);
        Task heartbeat = Task.CompletedTask;
        var buffer = new ArrayBufferWriter<byte>(8192);
        _current = c;
        try
        {
            if (_closing)
            {
                await CloseWithAsync(c, WebSocketCloseStatus.NormalClosure, "shard closed");
                return (Next.Closed, null);
            }

            while (true)
            {
                string? closeDescription;
                int? closeCode;
                try
                {
                    var received = await ReceiveAsync(socket, buffer, cts.Token);
                    if (received)
                    {
                        var next = await OnPayloadAsync(c, buffer.WrittenMemory, turn, h => heartbeat = h);
                        if (next is { } n)
                        {
                            return (n, null);
                        }

                        continue;
                    }

                    closeCode = (int?)socket.CloseStatus;
                    closeDescription = socket.CloseStatusDescription;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested && c.Zombie)
                {
                    return (Next.Resume, null);
                }
                catch (WebSocketException ex)
                {
                    if (_closing)
                    {
                        return (Next.Closed, null);
                    }

                    Log.Dropped(logger, shard.Id, ex.Message);
                    _status.Set(false, "reconnecting: connection dropped");
                    return (Next.Resume, null);
                }

                if (_closing)
                {
                    return (Next.Closed, null);
                }

                if (c.Zombie)
                {
                    return (Next.Resume, null);
                }

                await ReplyToCloseAsync(c, closeCode);
                if (closeCode is { } code && GatewayCloseCodes.Fatal(code) is { } fatal)
                {
                    return (Next.Fatal, fatal);
                }

                var what = GatewayCloseCodes.Describe(closeCode);
                Log.Closed(logger, shard.Id, what, closeDescription ?? "");
                _status.Set(false, "reconnecting: " + what);
                return closeCode is { } c2 && GatewayCloseCodes.NeedsNewSession(c2) ? (Next.Identify, null) : (Next.Resume, null);
            }
        }
        finally
        {
            _current = null;
            await cts.CancelAsync();
            try
            {
                await heartbeat;
            }
            catch (OperationCanceledException)
            {
            }

            c.SendLock.Dispose();
        }
    }

    private static async Task ReplyToCloseAsync(Connection c, int? code)
    {
        if (c.Socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await c.Socket.CloseOutputAsync(code is >= 3000 and <= 4999 ? (WebSocketCloseStatus)code.Value : ResumableClose, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads one whole message, however many fragments it arrives in. False on a close frame.</summary>
    private static async Task<bool> ReceiveAsync(WebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var result = await socket.ReceiveAsync(memory, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > 64 * 1024 * 1024)
            {
                throw new WebSocketException("A gateway message exceeded 64 MB.");
            }

            if (result.EndOfMessage)
            {
                return true;
            }
        }
    }

    private async Task<Next?> OnPayloadAsync(Connection c, ReadOnlyMemory<byte> bytes, IdentifyTurn? turn, Action<Task> startedHeartbeat)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        var op = root.Int("op");
        switch (op)
        {
            case 10:
                var interval = TimeSpan.FromMilliseconds(root.GetProperty("d").GetProperty("heartbeat_interval").GetDouble());
                startedHeartbeat(HeartbeatLoopAsync(c, interval));
                if (turn is null)
                {
                    Log.Resuming(logger, shard.Id, _sessionId!, _sequence);
                    await SendAsync(c, new { op = 6, d = new { token = _options.Token, session_id = _sessionId, seq = _sequence } });
                }
                else
                {
                    // The identify bucket (shard_id % max_concurrency) is this connection's for the next 5 s only once
                    // confirmed here, just before IDENTIFY goes out; a closed shard sends none.
                    await turn.ConfirmAsync(c.Cts.Token);
                    if (_closing)
                    {
                        return Next.Closed;
                    }

                    Log.Identifying(logger, shard.Id, shard.Total, _options.Intents);
                    await SendAsync(c, new
                    {
                        op = 2,
                        d = new
                        {
                            token = _options.Token,
                            intents = _options.Intents,
                            properties = new { os = Environment.OSVersion.Platform.ToString().ToLowerInvariant(), browser = "advisor", device = "advisor" },
                            shard = new[] { shard.Id, shard.Total },
                        },
                    });
                    turn.Identified();
                    gatewayBot.NoteIdentify();
                }

                return null;
            case 11:
                c.Acked = true;
                return null;
            case 1:
                await SendHeartbeatAsync(c);
                return null;
            case 7:
                Log.ReconnectRequested(logger, shard.Id);
                await CloseResumableAsync(c);
                return Next.Resume;
            case 9:
                var resumable = root.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.True;
                Log.InvalidSession(logger, shard.Id, resumable);
                await CloseResumableAsync(c);
                return resumable && _sessionId is not null ? Next.Resume : Next.InvalidSession;
            case 0:
                var name = root.Str("t") ?? "";
                var data = root.TryGetProperty("d", out var dd) ? dd.Clone() : default;
                if (name == "READY")
                {
                    lock (_sessionGate)
                    {
                        _sessionId = data.Str("session_id");
                        _resumeUrl = data.Str("resume_gateway_url");
                        _acceptedSequence = null;
                    }

                    identity.BotUserId = data.Obj("user")?.Str("id");
                    if (_everReady)
                    {
                        metrics.PlatformReconnected("discord", "identify");
                    }

                    _everReady = _established = true;
                    Log.Ready(logger, shard.Id, shard.Total, identity.BotUserId ?? "?");
                    _status.Set(true, "connected");
                }
                else if (name == "RESUMED")
                {
                    _established = true;
                    metrics.PlatformReconnected("discord", "resume");
                    Log.Resumed(logger, shard.Id);
                    _status.Set(true, "connected");
                }

                var accepted = Dispatch(name, data);

                // Only an event taken in counts as received: one lost to a dropped connection is replayed by the resume.
                if (root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number)
                {
                    _sequence = s.GetInt64();
                    if (accepted)
                    {
                        lock (_sessionGate)
                        {
                            _acceptedSequence = _sequence;
                        }
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Hands the event to its handlers; false when the shard no longer takes events in.</summary>
    private bool Dispatch(string name, JsonElement data)
    {
        if (!shard.Accepting)
        {
            // The shard was handed over or its lease lost: its events are another replica's now.
            if (!_droppedLogged)
            {
                _droppedLogged = true;
                Log.NotAccepting(logger, shard.Id, name);
            }

            return false;
        }

        foreach (var handler in handlers)
        {
            if (!handler.Handles(name))
            {
                continue;
            }

            try
            {
                handler.Accept(name, data);
            }
#pragma warning disable CA1031 // one event the bot cannot take must not end the connection
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(logger, shard.Id, name, ex);
            }
        }

        return true;
    }

    private async Task HeartbeatLoopAsync(Connection c, TimeSpan interval)
    {
        var ct = c.Cts.Token;
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), time, ct);
            while (!ct.IsCancellationRequested)
            {
                if (!c.Acked)
                {
                    Log.Zombie(logger, shard.Id, interval.TotalMilliseconds);
                    _status.Set(false, "reconnecting: no heartbeat ACK");
                    c.Zombie = true;
                    await CloseResumableAsync(c);
                    await c.Cts.CancelAsync();
                    return;
                }

                c.Acked = false;
                await SendHeartbeatAsync(c);
                await Task.Delay(interval, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            Log.Dropped(logger, shard.Id, ex.Message);
        }
    }

    private Task SendHeartbeatAsync(Connection c) => SendAsync(c, new { op = 1, d = _sequence });

    private static Task CloseResumableAsync(Connection c) => CloseWithAsync(c, ResumableClose, "reconnecting");

    /// <summary>Sends a close frame (the receive loop then gets the server's answer); false when it could not be sent.</summary>
    private static async Task<bool> CloseWithAsync(Connection c, WebSocketCloseStatus code, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await c.SendLock.WaitAsync(timeout.Token);
            try
            {
                if (c.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await c.Socket.CloseOutputAsync(code, reason, timeout.Token);
                    return true;
                }
            }
            finally
            {
                c.SendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        return false;
    }

    private async Task SendAsync(Connection c, object payload)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType());
        if (bytes.Length > settings.MaxPayloadBytes)
        {
            throw new InvalidOperationException($"A gateway payload of {bytes.Length} bytes exceeds Discord's {settings.MaxPayloadBytes}-byte limit.");
        }

        var ct = c.Cts.Token;
        await c.SendLock.WaitAsync(ct);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                while (c.Sent.Count > 0 && now - c.Sent.Peek() >= settings.OutboundWindow)
                {
                    c.Sent.Dequeue();
                }

                if (c.Sent.Count < settings.OutboundLimit)
                {
                    break;
                }

                var wait = settings.OutboundWindow - (now - c.Sent.Peek());
                Log.OutboundThrottled(logger, shard.Id, wait.TotalMilliseconds);
                await Task.Delay(wait, time, ct);
            }

            c.Sent.Enqueue(time.GetUtcNow());
            await c.Socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            c.SendLock.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Information, "Discord gateway shard {ShardId}: connecting to {Url} (resume: {Resume})")]
        public static partial void Connecting(ILogger logger, int shardId, string url, bool resume);

        [LoggerMessage(201, LogLevel.Information, "Discord gateway shard {ShardId}/{ShardCount}: identifying with intents {Intents}")]
        public static partial void Identifying(ILogger logger, int shardId, int shardCount, int intents);

        [LoggerMessage(202, LogLevel.Information, "Discord gateway shard {ShardId}: resuming session {SessionId} at seq {Seq}")]
        public static partial void Resuming(ILogger logger, int shardId, string sessionId, long? seq);

        [LoggerMessage(203, LogLevel.Information, "Discord gateway shard {ShardId}/{ShardCount}: READY as user {UserId}")]
        public static partial void Ready(ILogger logger, int shardId, int shardCount, string userId);

        [LoggerMessage(204, LogLevel.Information, "Discord gateway shard {ShardId}: RESUMED")]
        public static partial void Resumed(ILogger logger, int shardId);

        [LoggerMessage(205, LogLevel.Warning, "Discord gateway shard {ShardId}: no heartbeat ACK within {IntervalMs} ms (zombie connection); reconnecting to resume")]
        public static partial void Zombie(ILogger logger, int shardId, double intervalMs);

        [LoggerMessage(206, LogLevel.Information, "Discord gateway shard {ShardId}: server asked to reconnect (op 7); resuming")]
        public static partial void ReconnectRequested(ILogger logger, int shardId);

        [LoggerMessage(207, LogLevel.Warning, "Discord gateway shard {ShardId}: invalid session (op 9, resumable: {Resumable})")]
        public static partial void InvalidSession(ILogger logger, int shardId, bool resumable);

        [LoggerMessage(208, LogLevel.Warning, "Discord gateway shard {ShardId}: closed with {Code} {Description}; reconnecting")]
        public static partial void Closed(ILogger logger, int shardId, string code, string description);

        [LoggerMessage(209, LogLevel.Critical, "Discord gateway stopped and will not reconnect (shard {ShardId}): {Cause}")]
        public static partial void Fatal(ILogger logger, int shardId, string cause);

        [LoggerMessage(210, LogLevel.Warning, "Discord gateway shard {ShardId}: connection failed ({Error})")]
        public static partial void ConnectFailed(ILogger logger, int shardId, string error);

        [LoggerMessage(211, LogLevel.Warning, "Discord gateway shard {ShardId}: connection dropped ({Error})")]
        public static partial void Dropped(ILogger logger, int shardId, string error);

        [LoggerMessage(212, LogLevel.Error, "Discord gateway shard {ShardId}: taking in {Event} failed")]
        public static partial void HandlerFailed(ILogger logger, int shardId, string @event, Exception exception);

        [LoggerMessage(213, LogLevel.Warning, "Discord gateway shard {ShardId}: outbound limit reached; waiting {WaitMs:0} ms")]
        public static partial void OutboundThrottled(ILogger logger, int shardId, double waitMs);

        [LoggerMessage(215, LogLevel.Information, "Discord gateway shard {ShardId}: reconnecting in {Seconds:0.###} s")]
        public static partial void Backoff(ILogger logger, int shardId, double seconds);

        [LoggerMessage(216, LogLevel.Warning, "Discord gateway shard {ShardId}: no session starts left of {Total} (GET /gateway/bot session_start_limit); waiting {Seconds:0} s before identifying")]
        public static partial void SessionStartLimit(ILogger logger, int shardId, int total, double seconds);

        [LoggerMessage(217, LogLevel.Information, "Discord gateway shard {ShardId}: the shard is no longer this replica's; {Event} and later events on its closing connection are not taken in")]
        public static partial void NotAccepting(ILogger logger, int shardId, string @event);
    }
}
