using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// Socket Mode: apps.connections.open with the app token, wait for hello, ack every envelope at once and queue the
/// work. Once shutdown began an events_api envelope is left unacknowledged, so Slack delivers it again (to the next
/// process); a slash command is acknowledged with the "restarting" notice, since Slack does not send one again.
/// On a disconnect warning or refresh_requested a new connection is opened before the old one is closed;
/// link_disabled stops the service; too_many_websockets closes the connection and backs off before opening another;
/// failures back off. Without an app token it only checks the bot token (HTTP mode).
/// </summary>
public sealed partial class SlackSocketModeService(
    SlackApiClient api,
    ISlackWebSocketFactory sockets,
    SlackEventDispatcher events,
    ISlashCommandHandler commands,
    SlackInteractionHandler interactions,
    SlackBotIdentityProvider identity,
    SlackPlatformStatus status,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackSocketModeService> logger) : BackgroundService
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    private const string Platform = "slack";
    private const string TooManyWebsockets = "too_many_websockets";
    private int _connectionCount;

    private ILogger Logger => logger;

    internal enum EndReason
    {
        Closed,
        Refresh,
        LinkDisabled,
        TooManyWebsockets,
    }

    /// <summary>Why a connection ended: what to do next, and the reason as Slack or the socket gave it (for logs and metrics).</summary>
    internal readonly record struct Ending(EndReason Reason, string Detail);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var me = await identity.GetAsync(stoppingToken).ConfigureAwait(false);
                Log.Identified(logger, me.UserId, me.BotId ?? "-");
                break;
            }
            catch (SlackApiException ex) when (ex.Error is "invalid_auth" or "not_authed" or "account_inactive" or "token_revoked")
            {
                Log.BadToken(logger, ex.Error);
                status.Set(false, "stopped: Advisor:Slack:BotToken rejected (" + ex.Error + ")");
                return;
            }
            catch (SlackApiException ex)
            {
                status.Set(false, "waiting for Slack: " + ex.Error);
                await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                backoff = Next(backoff);
            }
        }

        if (!options.Value.UsesSocketMode)
        {
            status.Set(true, "http: ready");
            return;
        }

        await RunSocketModeAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task RunSocketModeAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        Connection? current = null;
        string? reconnectReason = null; // why the previous connection ended; counted once the next one is ready
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (current is null)
                {
                    try
                    {
                        current = await OpenAsync(stoppingToken).ConfigureAwait(false);
                        if (reconnectReason is not null)
                        {
                            metrics.PlatformReconnected(Platform, reconnectReason);
                        }

                        // After too_many_websockets the backoff keeps growing, so repeated refusals do not become a storm.
                        if (reconnectReason != TooManyWebsockets)
                        {
                            backoff = TimeSpan.FromSeconds(1);
                        }

                        reconnectReason = null;
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is SlackApiException or WebSocketException or HttpRequestException or TimeoutException or OperationCanceledException)
                    {
                        Log.ConnectFailed(logger, ex.Message, backoff.TotalSeconds);
                        status.Set(false, "reconnecting: " + ex.Message);
                        await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                        backoff = Next(backoff);
                        continue;
                    }
                }

                var end = await current.Ended.WaitAsync(stoppingToken).ConfigureAwait(false);
                switch (end.Reason)
                {
                    case EndReason.LinkDisabled:
                        Log.LinkDisabled(logger);
                        status.Set(false, "stopped: Socket Mode is disabled for this app (link_disabled)");
                        await current.CloseAsync().ConfigureAwait(false);
                        current = null;
                        return;
                    case EndReason.Refresh:
                        var old = current;
                        Log.Refreshing(logger, old.Id, end.Detail);
                        try
                        {
                            current = await OpenAsync(stoppingToken).ConfigureAwait(false);
                            metrics.PlatformReconnected(Platform, end.Detail);
                        }
                        catch (Exception ex) when (ex is SlackApiException or WebSocketException or HttpRequestException or TimeoutException)
                        {
                            Log.ConnectFailed(logger, ex.Message, 0);
                            current = null;
                            reconnectReason = end.Detail;
                        }

                        // Close the old socket without waiting. Envelopes it delivered so far were acked as they arrived;
                        // one that arrives while it closes cannot be acked any more, so Slack delivers it again on the
                        // new connection (and the event_id dedupe drops the copy if the first one was already queued).
                        _ = old.CloseAsync();
                        break;
                    case EndReason.TooManyWebsockets:
                        // Over Slack's connection limit: another socket would be refused too, so close this one and wait.
                        Log.TooManyWebsockets(logger, current.Id, backoff.TotalSeconds);
                        status.Set(false, "reconnecting: " + TooManyWebsockets);
                        await current.CloseAsync().ConfigureAwait(false);
                        current = null;
                        reconnectReason = TooManyWebsockets;
                        await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                        backoff = Next(backoff);
                        break;
                    default:
                        Log.Closed(logger, current.Id);
                        status.Set(false, "reconnecting: connection closed");
                        await current.CloseAsync().ConfigureAwait(false);
                        current = null;
                        reconnectReason = end.Detail;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (current is not null)
            {
                await current.CloseAsync().ConfigureAwait(false);
            }

            if (!status.State.StartsWith("stopped", StringComparison.Ordinal))
            {
                status.Set(false, "stopped");
            }
        }
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var url = await api.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var socket = await sockets.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        var connection = new Connection(this, socket, Interlocked.Increment(ref _connectionCount));
        connection.Start();
        try
        {
            await connection.Hello.WaitAsync(HelloTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.CloseAsync().ConfigureAwait(false);
            throw;
        }

        Log.Connected(logger, connection.Id);
        status.Set(true, "connected (socket mode)");
        return connection;
    }

    private static TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));

    /// <summary>Handles one frame; returns the ack to send, if any, and the end reason a disconnect frame asks for.</summary>
    internal (JsonObject? Ack, Ending? End, bool Hello) OnFrame(JsonElement frame)
    {
        try
        {
            return ReadFrame(frame);
        }
        catch (Exception ex) when (JsonPayload.IsUnreadable(ex))
        {
            Log.UnreadableFrame(Logger); // a value of the wrong kind: dropped unacknowledged (Slack may send it again), the connection goes on
            return (null, null, false);
        }
    }

    private (JsonObject? Ack, Ending? End, bool Hello) ReadFrame(JsonElement frame)
    {
        var type = SlackEventEnvelope.Str(frame, "type");
        if (type == "hello")
        {
            return (null, null, true);
        }

        if (type == "disconnect")
        {
            var reason = SlackEventEnvelope.Str(frame, "reason") ?? "";
            Log.Disconnect(logger, reason);
            var next = reason switch
            {
                "link_disabled" => EndReason.LinkDisabled,
                TooManyWebsockets => EndReason.TooManyWebsockets,
                _ => EndReason.Refresh, // warning, refresh_requested and anything new: replace the connection
            };
            return (null, new Ending(next, reason.Length == 0 ? "disconnect" : reason), false);
        }

        var envelopeId = SlackEventEnvelope.Str(frame, "envelope_id");
        if (envelopeId is null)
        {
            return (null, null, false);
        }

        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        frame.TryGetProperty("payload", out var payload);
        switch (type)
        {
            case "events_api":
                var retry = frame.TryGetProperty("retry_attempt", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) ? n : 0;
                if (SlackEventEnvelope.Parse(payload, retry, SlackEventEnvelope.Str(frame, "retry_reason")) is { } envelope
                    && !events.Dispatch(envelope))
                {
                    // Shutdown began or the queue is full: no ack, so Slack delivers the envelope again (to this or another connection).
                    rejections.Rejected("slack socket mode", "not taken on now: shutting down or busy (envelope left unacknowledged for redelivery)");
                    return (null, null, false);
                }

                break;
            case "slash_commands" when payload.ValueKind == JsonValueKind.Object:
                var command = SlashCommand.From(name => SlackEventEnvelope.Str(payload, name));
                if (commands.Handle(command) is { } response)
                {
                    ack["payload"] = response;
                }

                break;
            case "interactive" when payload.ValueKind == JsonValueKind.Object:
                if (interactions.Handle(payload) is { } answer)
                {
                    ack["payload"] = answer;
                }

                break;
            default:
                Log.Unhandled(logger, type ?? "-");
                break;
        }

        return (ack, null, false);
    }

    /// <summary>One Socket Mode WebSocket and its receive loop.</summary>
    private sealed class Connection(SlackSocketModeService owner, WebSocket socket, int id)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<Ending> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public int Id => id;

        public Task Hello => _hello.Task;

        public Task<Ending> Ended => _ended.Task;

        public void Start() => _loop = Task.Run(ReceiveLoopAsync);

        public async Task CloseAsync()
        {
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "refresh", timeout.Token).ConfigureAwait(false);
                }

                await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
            }
            finally
            {
                await _stop.CancelAsync().ConfigureAwait(false);
                socket.Dispose();
                Log.ClosedConnection(owner.Logger, id);
            }
        }

        private async Task ReceiveLoopAsync()
        {
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            try
            {
                while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
                {
                    buffer.ResetWrittenCount();
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), _stop.Token).ConfigureAwait(false);
                        buffer.Advance(result.Count);
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    await OnMessageAsync(buffer.WrittenMemory).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Log.ReceiveEnded(owner.Logger, id, ex.Message);
            }
            finally
            {
                _hello.TrySetException(new WebSocketException("Socket closed before hello"));
                _ended.TrySetResult(new Ending(EndReason.Closed, "closed"));
            }
        }

        private async Task OnMessageAsync(ReadOnlyMemory<byte> message)
        {
            JsonDocument document;
            try
            {
                if (!System.Text.Unicode.Utf8.IsValid(message.Span))
                {
                    throw new JsonException("not UTF-8");
                }

                document = JsonDocument.Parse(message);
            }
            catch (JsonException)
            {
                Log.BadFrame(owner.Logger, id);
                return;
            }

            // OnFrame copies out what outlives the frame (the event is cloned), so the document is released here.
            (JsonObject? Ack, Ending? End, bool Hello) handled;
            using (document)
            {
                handled = owner.OnFrame(document.RootElement);
            }

            if (handled.Hello)
            {
                _hello.TrySetResult();
            }

            if (handled.Ack is { } ack)
            {
                await SendAsync(ack).ConfigureAwait(false);
            }

            if (handled.End is { } ending)
            {
                _ended.TrySetResult(ending);
            }
        }

        private async Task SendAsync(JsonObject message)
        {
            var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
            await _send.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1199, LogLevel.Warning, "Slack Socket Mode: a frame held a value of the wrong kind or text that is not valid Unicode; dropped")]
        public static partial void UnreadableFrame(ILogger logger);

        [LoggerMessage(1501, LogLevel.Information, "Slack bot identified as user {UserId} (bot {BotId})")]
        public static partial void Identified(ILogger logger, string userId, string botId);

        [LoggerMessage(1502, LogLevel.Critical, "Slack rejected Advisor:Slack:BotToken ({Error}); the Slack adapter stops")]
        public static partial void BadToken(ILogger logger, string error);

        [LoggerMessage(1503, LogLevel.Warning, "Slack Socket Mode connection failed ({Reason}); retrying in {Seconds} s")]
        public static partial void ConnectFailed(ILogger logger, string reason, double seconds);

        [LoggerMessage(1504, LogLevel.Critical, "Slack sent link_disabled: Socket Mode is turned off for this app. The Slack adapter stops; turn Socket Mode on (or use the HTTP Request URL) and restart")]
        public static partial void LinkDisabled(ILogger logger);

        [LoggerMessage(1505, LogLevel.Information, "Slack asked to replace Socket Mode connection {Id} ({Reason}); opening a new one first")]
        public static partial void Refreshing(ILogger logger, int id, string reason);

        [LoggerMessage(1506, LogLevel.Warning, "Slack Socket Mode connection {Id} closed; reconnecting")]
        public static partial void Closed(ILogger logger, int id);

        [LoggerMessage(1507, LogLevel.Information, "Slack Socket Mode connection {Id} ready")]
        public static partial void Connected(ILogger logger, int id);

        [LoggerMessage(1508, LogLevel.Information, "Slack disconnect frame: {Reason}")]
        public static partial void Disconnect(ILogger logger, string reason);

        [LoggerMessage(1509, LogLevel.Debug, "Slack envelope type {Type} acknowledged, not handled")]
        public static partial void Unhandled(ILogger logger, string type);

        [LoggerMessage(1510, LogLevel.Debug, "Slack Socket Mode connection {Id} closed")]
        public static partial void ClosedConnection(ILogger logger, int id);

        [LoggerMessage(1511, LogLevel.Debug, "Slack Socket Mode connection {Id} stopped receiving: {Reason}")]
        public static partial void ReceiveEnded(ILogger logger, int id, string reason);

        [LoggerMessage(1512, LogLevel.Warning, "Slack Socket Mode connection {Id} sent a frame that is not JSON; ignored")]
        public static partial void BadFrame(ILogger logger, int id);

        [LoggerMessage(1513, LogLevel.Warning, "Slack refused Socket Mode connection {Id}: too_many_websockets (another process may use the same app token); retrying in {Seconds} s")]
        public static partial void TooManyWebsockets(ILogger logger, int id, double seconds);
    }
}
