using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Testing.Slack;

/// <summary>One Web API call the emulator received.</summary>
public sealed record ApiCall(string Method, JsonObject Body, string? Authorization, DateTimeOffset At, int Status);

/// <summary>
/// A loopback Slack: the Web API (chat.postMessage, chat.update, reactions.add/remove, users.info, auth.test,
/// apps.connections.open), a Socket Mode WebSocket server (hello, envelopes, acks, redelivery of late-acked
/// envelopes, disconnect frames) and response_url endpoints, all on Kestrel at 127.0.0.1:0.
/// </summary>
public sealed class SlackEmulator : IAsyncDisposable
{
    public const string BotUserId = "UBOT";
    public const string BotId = "BBOT";
    public const string TeamId = "T111";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ApiCall> _calls = new();
    private readonly ConcurrentDictionary<string, int> _rateLimitNext = new();
    private readonly ConcurrentDictionary<string, (int Count, int Status)> _failNext = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _responses = new();
    private readonly List<Connection> _connections = [];
    private readonly Lock _gate = new();
    private int _ticket;

    private SlackEmulator(WebApplication app) => _app = app;

    public Uri ApiBase { get; private set; } = null!;

    public Uri Root { get; private set; } = null!;

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>users.info answers: user id → (is_admin, is_owner).</summary>
    public ConcurrentDictionary<string, (bool Admin, bool Owner)> Users { get; } = new();

    /// <summary>Ordered record of socket lifecycle events ("open 1", "close 1", …).</summary>
    public ConcurrentQueue<string> Lifecycle { get; } = new();

    public IReadOnlyList<ApiCall> Calls => _calls.ToArray();

    /// <summary>Called for every Web API call as it arrives (after its body is read), on the request's thread.</summary>
    public Action<ApiCall>? CallObserver { get; set; }

    public IReadOnlyList<ApiCall> Posts => Calls.Where(c => c.Method == "chat.postMessage" && c.Status == 200).ToArray();

    public static async Task<SlackEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var emulator = new SlackEmulator(app);
        app.UseWebSockets();
        app.MapPost("/api/{method}", (Delegate)emulator.ApiAsync);
        app.MapPost("/response/{id}", (Delegate)emulator.ResponseAsync);
        app.Map("/link", emulator.LinkAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Root = new Uri(address + "/");
        emulator.ApiBase = new Uri(emulator.Root, "api/");
        return emulator;
    }

    /// <summary>The next <paramref name="count"/> calls of a method get 429 with Retry-After.</summary>
    public void RateLimitNext(string method, int count) => _rateLimitNext[method] = count;

    /// <summary>The next <paramref name="count"/> calls of a method get HTTP <paramref name="status"/> (a 5xx: Slack having trouble) without being handled.</summary>
    public void FailNext(string method, int count, int status) => _failNext[method] = (count, status);

    /// <summary>A response_url on this emulator.</summary>
    public string NewResponseUrl() => new Uri(Root, "response/" + Guid.NewGuid().ToString("N")).ToString();

    /// <summary>Errors the response_url endpoints answered (e.g. invalid_blocks).</summary>
    public ConcurrentQueue<string> ResponseErrors { get; } = new();

    public IReadOnlyList<JsonObject> Responses(string responseUrl) =>
        _responses.TryGetValue(responseUrl.Split('/').Last(), out var q) ? q.ToArray() : [];

    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count(c => c.Socket.State == WebSocketState.Open && c.HelloSent);
            }
        }
    }

    /// <summary>Sends an events_api envelope on the newest open connection; redelivers when the ack is later than <paramref name="ackDeadline"/>.</summary>
    public async Task<string> SendEventAsync(JsonObject eventCallback, TimeSpan? ackDeadline = null, int maxRetries = 3, int? connection = null)
    {
        var deadline = ackDeadline ?? TimeSpan.FromSeconds(3);
        var first = Guid.NewGuid().ToString();
        var envelopeId = first;
        for (var attempt = 0; ; attempt++)
        {
            // Like Slack, an envelope that was not acked is sent again on an open connection: the one asked for while
            // it is open, else the newest (the bot may have closed the old one after a refresh).
            var target = attempt == 0 ? Target(connection) : OpenTarget(connection);
            var envelope = new JsonObject
            {
                ["envelope_id"] = envelopeId,
                ["payload"] = eventCallback.DeepClone(),
                ["type"] = "events_api",
                ["accepts_response_payload"] = false,
                ["retry_attempt"] = attempt,
                ["retry_reason"] = attempt == 0 ? "" : "timeout",
            };
            var sent = DateTimeOffset.UtcNow;
            DateTimeOffset? acked;
            try
            {
                await target.SendAsync(envelope);
                acked = await target.WaitForAckAsync(envelopeId, TimeSpan.FromSeconds(5));
            }
            catch (WebSocketException) when (attempt < maxRetries)
            {
                acked = null; // the connection closed under the frame: undelivered, so sent again.
            }

            var late = acked is null || acked.Value - sent > deadline;
            if (!late || attempt >= maxRetries)
            {
                return first;
            }

            envelopeId = Guid.NewGuid().ToString();
        }
    }

    /// <summary>
    /// Sends an events_api envelope on the newest open connection without waiting for the ack (for load: the caller
    /// watches the Web API calls instead). Returns the envelope id and the <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp taken just before the frame went on the socket.
    /// </summary>
    public async Task<(string EnvelopeId, long SentAt)> DeliverEventAsync(JsonObject eventCallback)
    {
        ArgumentNullException.ThrowIfNull(eventCallback);
        var envelopeId = Guid.NewGuid().ToString();
        var envelope = new JsonObject
        {
            ["envelope_id"] = envelopeId,
            ["payload"] = eventCallback,
            ["type"] = "events_api",
            ["accepts_response_payload"] = false,
            ["retry_attempt"] = 0,
            ["retry_reason"] = "",
        };
        var sentAt = await Target(null).SendAsync(envelope).ConfigureAwait(false);
        return (envelopeId, sentAt);
    }

    /// <summary>Sends a slash_commands envelope on the newest connection and returns the ack the bot sent.</summary>
    public async Task<JsonObject?> SendCommandAsync(string command, string text, string user, string responseUrl)
    {
        var target = Target(null);
        var envelopeId = Guid.NewGuid().ToString();
        await target.SendAsync(new JsonObject
        {
            ["envelope_id"] = envelopeId,
            ["payload"] = new JsonObject
            {
                ["token"] = "verification-token",
                ["team_id"] = TeamId,
                ["team_domain"] = "xxx",
                ["channel_id"] = "C111",
                ["channel_name"] = "random",
                ["user_id"] = user,
                ["user_name"] = "someone",
                ["command"] = command,
                ["text"] = text,
                ["api_app_id"] = "A111",
                ["response_url"] = responseUrl,
                ["trigger_id"] = "111.222.xxx",
            },
            ["type"] = "slash_commands",
            ["accepts_response_payload"] = true,
        });
        return await target.WaitForAckAsync(envelopeId, TimeSpan.FromSeconds(3)) is null ? null : target.AckBodies[envelopeId];
    }

    /// <summary>Sends a raw frame on a connection (1-based id; newest when null).</summary>
    public Task SendFrameAsync(JsonObject frame, int? connection = null) => Target(connection).SendAsync(frame);

    public static JsonObject Mention(string text, string ts, string eventId, string channel = "C111", string? threadTs = null, string user = "U222") =>
        Callback(eventId, new JsonObject
        {
            ["type"] = "app_mention",
            ["user"] = user,
            ["text"] = $"<@{BotUserId}> {text}",
            ["ts"] = ts,
            ["channel"] = channel,
            ["team"] = TeamId,
            ["event_ts"] = ts,
            ["thread_ts"] = threadTs,
        });

    public static JsonObject Message(string text, string ts, string eventId, string channel = "C111", string? threadTs = null, string? user = "U222",
        string channelType = "channel", string? subtype = null, string? botId = null) =>
        Callback(eventId, new JsonObject
        {
            ["type"] = "message",
            ["user"] = user,
            ["text"] = text,
            ["ts"] = ts,
            ["channel"] = channel,
            ["channel_type"] = channelType,
            ["team"] = TeamId,
            ["event_ts"] = ts,
            ["thread_ts"] = threadTs,
            ["subtype"] = subtype,
            ["bot_id"] = botId,
        });

    private static JsonObject Callback(string eventId, JsonObject ev)
    {
        foreach (var key in ev.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
        {
            ev.Remove(key);
        }

        return new JsonObject
        {
            ["token"] = "verification-token",
            ["team_id"] = TeamId,
            ["api_app_id"] = "A111",
            ["event"] = ev,
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event_time"] = 1610241741,
        };
    }

    private Connection OpenTarget(int? id)
    {
        lock (_gate)
        {
            return _connections.FirstOrDefault(c => c.Id == id && c.Socket.State == WebSocketState.Open)
                ?? _connections.Last(c => c.Socket.State == WebSocketState.Open && c.HelloSent);
        }
    }

    private Connection Target(int? id)
    {
        lock (_gate)
        {
            return id is { } wanted
                ? _connections.First(c => c.Id == wanted)
                : _connections.Last(c => c.Socket.State == WebSocketState.Open && c.HelloSent);
        }
    }

    private async Task<IResult> ApiAsync(HttpContext context, string method)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        JsonObject body;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            body = [];
            foreach (var kv in form)
            {
                body[kv.Key] = kv.Value.ToString();
            }
        }
        else
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            body = text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
        }

        if (_rateLimitNext.TryGetValue(method, out var left) && left > 0)
        {
            _rateLimitNext[method] = left - 1;
            _calls.Enqueue(new ApiCall(method, body, auth, DateTimeOffset.UtcNow, 429));
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode((int)HttpStatusCode.TooManyRequests);
        }

        if (_failNext.TryGetValue(method, out var failure) && failure.Count > 0)
        {
            _failNext[method] = (failure.Count - 1, failure.Status);
            _calls.Enqueue(new ApiCall(method, body, auth, DateTimeOffset.UtcNow, failure.Status));
            return Results.StatusCode(failure.Status);
        }

        var call = new ApiCall(method, body, auth, DateTimeOffset.UtcNow, 200);
        _calls.Enqueue(call);
        CallObserver?.Invoke(call);
        if (method == "apps.connections.open")
        {
            if (!auth.StartsWith("Bearer xapp-", StringComparison.Ordinal))
            {
                return Results.Json(new { ok = false, error = "not_allowed_token_type" });
            }

            var ws = new UriBuilder(Root) { Scheme = "ws", Path = "/link/", Query = "ticket=" + Interlocked.Increment(ref _ticket) };
            return Results.Json(new { ok = true, url = ws.Uri.ToString() });
        }

        if (!auth.StartsWith("Bearer xoxb-", StringComparison.Ordinal))
        {
            return Results.Json(new { ok = false, error = "not_authed" });
        }

        switch (method)
        {
            case "auth.test":
                return Results.Json(new { ok = true, url = "https://example.slack.com/", team = "Example", user = "advisor", team_id = TeamId, user_id = BotUserId, bot_id = BotId });
            case "users.info":
                var user = (string?)body["user"] ?? "";
                if (!Users.TryGetValue(user, out var flags))
                {
                    return Results.Json(new { ok = false, error = "user_not_found" });
                }

                return Results.Json(new { ok = true, user = new { id = user, name = user, is_admin = flags.Admin, is_owner = flags.Owner, is_primary_owner = false, is_bot = false } });
            case "chat.postMessage":
            case "chat.update":
                return Results.Json(ValidateMessage(body) is { } error
                    ? new { ok = false, error }
                    : (object)new { ok = true, channel = (string?)body["channel"], ts = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Random.Shared.Next(100000, 999999)}" });
            case "reactions.add":
            case "reactions.remove":
                return Results.Json(new { ok = true });
            default:
                return Results.Json(new { ok = false, error = "unknown_method" });
        }
    }

    private static string? ValidateMessage(JsonObject body)
    {
        var channel = (string?)body["channel"];
        if (string.IsNullOrEmpty(channel) || !(channel.StartsWith('C') || channel.StartsWith('D') || channel.StartsWith('G')))
        {
            return "channel_not_found";
        }

        return ValidateContent(body);
    }

    /// <summary>Block Kit limits (50 blocks, 3,000 characters per section, 10 context elements) and a text or blocks present.</summary>
    private static string? ValidateContent(JsonObject body)
    {
        if (body["blocks"] is JsonArray blocks)
        {
            if (blocks.Count > 50)
            {
                return "invalid_blocks";
            }

            foreach (var block in blocks)
            {
                var type = (string?)block?["type"];
                if (type == "section" && block?["text"]?["text"] is { } text && ((string?)text)!.Length > 3000)
                {
                    return "invalid_blocks";
                }

                if (type == "context" && block?["elements"] is JsonArray { Count: > 10 })
                {
                    return "invalid_blocks";
                }
            }
        }

        return string.IsNullOrEmpty((string?)body["text"]) && body["blocks"] is null ? "no_text" : null;
    }

    /// <summary>
    /// A response_url: up to 5 messages, each checked like chat.postMessage (an invalid one is refused with
    /// HTTP 400 and the error as text, and not counted).
    /// </summary>
    private async Task<IResult> ResponseAsync(HttpContext context, string id)
    {
        var queue = _responses.GetOrAdd(id, _ => new ConcurrentQueue<JsonObject>());
        if (queue.Count >= 5)
        {
            return Results.NotFound("used_url");
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var message = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        if (ValidateContent(message) is { } error)
        {
            ResponseErrors.Enqueue(error);
            return Results.BadRequest(error);
        }

        queue.Enqueue(message);
        return Results.Ok();
    }

    private async Task LinkAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        Connection connection;
        lock (_gate)
        {
            connection = new Connection(_connections.Count + 1, socket);
            _connections.Add(connection);
        }

        Lifecycle.Enqueue("open " + connection.Id);
        await connection.SendAsync(new JsonObject
        {
            ["type"] = "hello",
            ["num_connections"] = OpenConnections + 1,
            ["debug_info"] = new JsonObject { ["host"] = "applink-loopback", ["approximate_connection_time"] = 3600 },
            ["connection_info"] = new JsonObject { ["app_id"] = "A111" },
        });
        connection.HelloSent = true;
        await connection.ReceiveLoopAsync();
        Lifecycle.Enqueue("close " + connection.Id);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Connection(int id, WebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public int Id => id;

        public WebSocket Socket => socket;

        public bool HelloSent { get; set; }

        public ConcurrentDictionary<string, DateTimeOffset> Acks { get; } = new();

        public ConcurrentDictionary<string, JsonObject> AckBodies { get; } = new();

        /// <summary>Sends a frame; returns the Stopwatch timestamp at which its first byte went on the socket.</summary>
        public async Task<long> SendAsync(JsonObject frame)
        {
            var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
            await _send.WaitAsync();
            try
            {
                var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
                // Two fragments, to catch readers that expect a whole frame per receive.
                var half = bytes.Length / 2;
                await socket.SendAsync(bytes.AsMemory(0, half), WebSocketMessageType.Text, false, CancellationToken.None);
                await socket.SendAsync(bytes.AsMemory(half), WebSocketMessageType.Text, true, CancellationToken.None);
                return sentAt;
            }
            finally
            {
                _send.Release();
            }
        }

        public async Task<DateTimeOffset?> WaitForAckAsync(string envelopeId, TimeSpan timeout)
        {
            var until = DateTimeOffset.UtcNow + timeout;
            while (DateTimeOffset.UtcNow < until)
            {
                if (Acks.TryGetValue(envelopeId, out var at))
                {
                    return at;
                }

                if (socket.State is WebSocketState.Closed or WebSocketState.Aborted)
                {
                    return null; // no ack can come on a closed connection
                }

                await Task.Delay(10);
            }

            return null;
        }

        public async Task ReceiveLoopAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }

                    var json = JsonDocument.Parse(message.ToArray()).RootElement;
                    if (json.TryGetProperty("envelope_id", out var id))
                    {
                        AckBodies[id.GetString()!] = JsonNode.Parse(json.GetRawText())!.AsObject();
                        Acks[id.GetString()!] = DateTimeOffset.UtcNow;
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        }
    }
}
