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
public sealed record ApiCall(string Method, JsonObject Body, string? Authorization, DateTimeOffset At, int Status)
{
    /// <summary>The JSON the emulator answered (<c>ok</c>, <c>error</c>, …); null until it was answered, and for 429s and scripted 5xx.</summary>
    public JsonObject? Response { get; internal set; }

    /// <summary>True when the emulator answered <c>ok:true</c>.</summary>
    public bool Ok => Response?["ok"]?.GetValueKind() == JsonValueKind.True;

    /// <summary>The <c>error</c> of an <c>ok:false</c> answer (e.g. <c>message_not_in_streaming_state</c>), else null.</summary>
    public string? Error => Ok ? null : (string?)Response?["error"];
}

/// <summary>A message the emulator stored (what conversations.history and conversations.replies serve).</summary>
public sealed record StoredMessage(string Channel, string Ts, string? ThreadTs, JsonObject Message)
{
    /// <summary>The reply_id in the message's metadata, if it has one.</summary>
    public string? ReplyId => (string?)Message["metadata"]?["event_payload"]?["reply_id"];
}

/// <summary>
/// A loopback Slack: the Web API (chat.postMessage with message metadata, chat.update with an edit history,
/// chat.startStream / appendStream / stopStream, conversations.history and conversations.replies over the stored
/// messages, reactions.add/remove, assistant.threads.setStatus, agents.sessions.setStatus, views.open / views.update,
/// users.info, auth.test, apps.connections.open), a Socket Mode WebSocket server (hello, envelopes, acks, redelivery of
/// late-acked envelopes, disconnect frames), response_url endpoints (replace_original / delete_original act on the
/// clicked message) and signed interactivity payloads (block_actions, view_submission) for a worker, all on Kestrel at
/// 127.0.0.1:0. Faults: 429s, 5xx before or after a post was stored, slow or held posts, methods refused with an error.
/// </summary>
public sealed partial class SlackEmulator : IAsyncDisposable
{
    public const string BotUserId = "UBOT";
    public const string BotId = "BBOT";
    public const string TeamId = "T111";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ApiCall> _calls = new();
    private readonly ConcurrentDictionary<string, int> _rateLimitNext = new();
    private readonly ConcurrentDictionary<string, (int Count, int Status, bool AfterStoring)> _failNext = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _responses = new();
    private readonly List<Connection> _connections = [];
    private readonly List<StoredMessage> _messages = [];
    private readonly Dictionary<(string Channel, string Ts), List<MessageVersion>> _history = [];
    private readonly List<PostHold> _holds = [];
    private readonly Lock _gate = new();
    private int _ticket;
    private long _lastTs;
    private int _held;

    private SlackEmulator(WebApplication app) => _app = app;

    public Uri ApiBase { get; private set; } = null!;

    /// <summary>
    /// The bot scopes Slack says the token has: when set, every call with a bot token answers with them in the
    /// <c>x-oauth-scopes</c> header (as Slack does); null (default) sends no header.
    /// </summary>
    public IReadOnlyList<string>? GrantedScopes { get; set; }

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

    /// <summary>Messages stored (posted) so far, in order; includes posts answered with a 5xx after being stored.</summary>
    public IReadOnlyList<StoredMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>How long every chat.postMessage and response_url post takes before it is handled (default none).</summary>
    public TimeSpan PostLatency { get; set; }

    /// <summary>Posts (chat.postMessage or response_url) waiting on a <see cref="HoldPosts"/> right now.</summary>
    public int HeldPosts => Volatile.Read(ref _held);

    /// <summary>
    /// Holds every post (chat.postMessage body, or a response_url message) that matches until the returned handle is
    /// disposed: a post that takes as long as the test wants, without timing.
    /// </summary>
    public IDisposable HoldPosts(Func<JsonObject, bool> which)
    {
        var hold = new PostHold(this, which);
        lock (_gate)
        {
            _holds.Add(hold);
        }

        return hold;
    }

    /// <summary>The next <paramref name="count"/> response_url posts get 429 with Retry-After.</summary>
    public void RateLimitNextResponses(int count) => _rateLimitNext[ResponseUrlKey] = count;

    /// <summary>The next <paramref name="count"/> response_url posts get HTTP <paramref name="status"/>, before or after the message was kept.</summary>
    public void FailNextResponses(int count, int status, bool afterStoring) => _failNext[ResponseUrlKey] = (count, status, afterStoring);

    /// <summary>True when the bot acknowledged the envelope (on any connection).</summary>
    public bool Acked(string envelopeId)
    {
        lock (_gate)
        {
            return _connections.Any(c => c.Acks.ContainsKey(envelopeId));
        }
    }

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

    /// <summary>
    /// The next <paramref name="count"/> calls of a method get HTTP <paramref name="status"/> (a 5xx: Slack having
    /// trouble): without being handled, or (<paramref name="afterStoring"/>) after the post was stored, as when Slack
    /// fails after doing the work.
    /// </summary>
    public void FailNext(string method, int count, int status, bool afterStoring = false) => _failNext[method] = (count, status, afterStoring);

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

    private const string ResponseUrlKey = "response_url";

    private async Task<IResult> ApiAsync(HttpContext context, string method)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (GrantedScopes is { } scopes && auth.StartsWith("Bearer xoxb-", StringComparison.Ordinal))
        {
            context.Response.Headers["x-oauth-scopes"] = string.Join(",", scopes);
        }

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

        var failAfter = 0;
        if (_failNext.TryGetValue(method, out var failure) && failure.Count > 0)
        {
            _failNext[method] = (failure.Count - 1, failure.Status, failure.AfterStoring);
            if (!failure.AfterStoring)
            {
                _calls.Enqueue(new ApiCall(method, body, auth, DateTimeOffset.UtcNow, failure.Status));
                return Results.StatusCode(failure.Status);
            }

            failAfter = failure.Status;
        }

        if (method == "chat.postMessage")
        {
            await DelayOrHoldAsync(body);
        }

        var call = new ApiCall(method, body, auth, DateTimeOffset.UtcNow, failAfter == 0 ? 200 : failAfter);
        _calls.Enqueue(call);
        CallObserver?.Invoke(call);
        var answer = Handle(method, body, auth);
        call.Response = answer;
        return failAfter == 0 ? Results.Content(answer.ToJsonString(), "application/json") : Results.StatusCode(failAfter);
    }

    private JsonObject Handle(string method, JsonObject raw, string auth)
    {
        if (method == "apps.connections.open")
        {
            if (!auth.StartsWith("Bearer xapp-", StringComparison.Ordinal))
            {
                return Fail("not_allowed_token_type");
            }

            if (Refusal(method) is { } refusedOpen)
            {
                return refusedOpen;
            }

            var ws = new UriBuilder(Root) { Scheme = "ws", Path = "/link/", Query = "ticket=" + Interlocked.Increment(ref _ticket) };
            return new JsonObject { ["ok"] = true, ["url"] = ws.Uri.ToString() };
        }

        if (!auth.StartsWith("Bearer xoxb-", StringComparison.Ordinal))
        {
            return Fail("not_authed");
        }

        if (Refusal(method) is { } refused)
        {
            return refused;
        }

        // Form-encoded calls carry JSON-valued arguments (blocks, metadata, view, …) as strings: read them as JSON.
        var body = JsonArguments(raw);
        switch (method)
        {
            case "auth.test":
                return new JsonObject { ["ok"] = true, ["url"] = "https://example.slack.com/", ["team"] = "Example", ["user"] = "advisor", ["team_id"] = TeamId, ["user_id"] = BotUserId, ["bot_id"] = BotId };
            case "users.info":
                var user = (string?)body["user"] ?? "";
                if (!Users.TryGetValue(user, out var flags))
                {
                    return Fail("user_not_found");
                }

                return new JsonObject
                {
                    ["ok"] = true,
                    ["user"] = new JsonObject { ["id"] = user, ["name"] = user, ["is_admin"] = flags.Admin, ["is_owner"] = flags.Owner, ["is_primary_owner"] = false, ["is_bot"] = false },
                };
            case "chat.postMessage":
                if ((ValidateMessage(body) ?? ValidateMetadata(body["metadata"])) is { } postError)
                {
                    return Fail(postError, BlockProblem(body));
                }

                return new JsonObject { ["ok"] = true, ["channel"] = (string?)body["channel"], ["ts"] = Store(body, method) };
            case "chat.update":
                return Update(body);
            case "chat.startStream":
                return StartStream(body);
            case "chat.appendStream":
                return AppendStream(body);
            case "chat.stopStream":
                return StopStream(body);
            case "conversations.history":
            case "conversations.replies":
                return Conversation(method, body);
            case "reactions.add":
            case "reactions.remove":
                return React(method, body);
            case "assistant.threads.setStatus":
                return SetAssistantStatus(body);
            case "agents.sessions.setStatus":
                return SetAgentStatus(body);
            case "assistant.threads.setSuggestedPrompts":
                return SetSuggestedPrompts(body);
            case "agents.sessions.rename":
                return RenameSession(body);
            case "views.open":
                return OpenView(body);
            case "views.update":
                return UpdateView(body);
            default:
                return Fail("unknown_method", new JsonObject { ["req_method"] = method });
        }
    }

    /// <summary>An <c>ok:false</c> answer with the error and any extra fields.</summary>
    private static JsonObject Fail(string error, JsonObject? extra = null)
    {
        var answer = new JsonObject { ["ok"] = false, ["error"] = error };
        foreach (var (name, value) in extra ?? [])
        {
            answer[name] = value?.DeepClone();
        }

        return answer;
    }

    /// <summary>
    /// <c>invalid_arguments</c> with Slack's <c>response_metadata.messages</c> (as views.open documents it): the answer
    /// for a missing required argument that has no error of its own.
    /// </summary>
    private static JsonObject InvalidArguments(string message) =>
        Fail("invalid_arguments", new JsonObject { ["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(message) } });

    /// <summary>The body with JSON-valued arguments that came as strings (form encoding) parsed; the recorded call keeps the raw body.</summary>
    private static JsonObject JsonArguments(JsonObject raw)
    {
        var body = raw.DeepClone().AsObject();
        foreach (var name in (string[])["blocks", "metadata", "view", "chunks", "loading_messages", "attachments"])
        {
            if (body[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.TrimStart() is ['{' or '[', ..])
            {
                try
                {
                    body[name] = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // left as the string it was: the method's own check reports it
                }
            }
        }

        return body;
    }

    /// <summary>
    /// Keeps a posted message as Slack would show it to the bot (bot_id, bot_message, its blocks and metadata), with a
    /// new unique ts, and starts its history. <paramref name="text"/> replaces the body's text (a stream's markdown).
    /// </summary>
    private string Store(JsonObject body, string source, string? text = null)
    {
        var channel = (string)body["channel"]!;
        var threadTs = (string?)body["thread_ts"];
        lock (_gate)
        {
            // Unique and increasing, like Slack's: seconds now, microseconds from a counter.
            var micros = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1_000_000, _lastTs + 1);
            _lastTs = micros;
            var ts = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
            var message = new JsonObject
            {
                ["type"] = "message",
                ["subtype"] = "bot_message",
                ["user"] = BotUserId,
                ["bot_id"] = BotId,
                ["text"] = text ?? (string?)body["text"] ?? (string?)body["markdown_text"] ?? "",
                ["ts"] = ts,
            };
            if (threadTs is not null)
            {
                message["thread_ts"] = threadTs;
            }

            if (body["blocks"] is JsonArray blocks)
            {
                message["blocks"] = BlockKit.WithIds(blocks);
            }

            if (body["metadata"] is { } metadata)
            {
                message["metadata"] = metadata is JsonValue ? JsonNode.Parse((string)metadata!) : metadata.DeepClone();
            }

            _messages.Add(new StoredMessage(channel, ts, threadTs, message));
            _history[(channel, ts)] = [new MessageVersion(source, message.DeepClone().AsObject(), DateTimeOffset.UtcNow)];
            return ts;
        }
    }

    /// <summary>
    /// conversations.history (top-level messages, newest first) and conversations.replies (the thread: its parent,
    /// if stored, then the replies, oldest first), from <c>oldest</c> (inclusive when asked), <c>limit</c> per page
    /// with an offset cursor. Metadata is returned in full only with <c>include_all_metadata</c>, else only its event_type.
    /// </summary>
    private JsonObject Conversation(string method, JsonObject body)
    {
        var channel = (string?)body["channel"];
        if (string.IsNullOrEmpty(channel))
        {
            return Fail("channel_not_found");
        }

        var replies = method == "conversations.replies";
        var thread = (string?)body["ts"];
        if (replies && string.IsNullOrEmpty(thread))
        {
            return Fail("thread_not_found");
        }

        var oldest = decimal.TryParse((string?)body["oldest"], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : 0m;
        var inclusive = Flag(body["inclusive"]);
        var all = Flag(body["include_all_metadata"]);
        var limit = int.TryParse((string?)body["limit"], out var l) && l > 0 ? l : 100;
        var offset = int.TryParse((string?)body["cursor"], out var c) ? c : 0;
        List<StoredMessage> found;
        lock (_gate)
        {
            found = replies
                ? [.. _messages.Where(m => m.Channel == channel && (m.Ts == thread || m.ThreadTs == thread)).OrderBy(m => m.Ts == thread ? 0 : 1).ThenBy(m => Ts(m.Ts))]
                : [.. _messages.Where(m => m.Channel == channel && (m.ThreadTs is null || m.ThreadTs == m.Ts)).OrderByDescending(m => Ts(m.Ts))];
        }

        found = [.. found.Where(m => (replies && m.Ts == thread) || (inclusive ? Ts(m.Ts) >= oldest : Ts(m.Ts) > oldest))];
        var page = found.Skip(offset).Take(limit).Select(m =>
        {
            var copy = m.Message.DeepClone().AsObject();
            if (!all && copy["metadata"] is JsonObject metadata)
            {
                copy["metadata"] = new JsonObject { ["event_type"] = metadata["event_type"]?.DeepClone() };
            }

            return copy;
        }).ToList();
        var more = offset + limit < found.Count;
        var response = new JsonObject
        {
            ["ok"] = true,
            ["messages"] = new JsonArray([.. page]),
            ["has_more"] = more,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = more ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : "" },
        };
        return response;
    }

    private static decimal Ts(string ts) => decimal.Parse(ts, System.Globalization.CultureInfo.InvariantCulture);

    private static bool Flag(JsonNode? value) =>
        value is JsonValue v && (v.TryGetValue<bool>(out var b) ? b : v.TryGetValue<string>(out var text) && text is "true" or "1");

    /// <summary>Message metadata: an object (or its JSON as a string) with an event_type of a-z, then letters, digits and _, and an object event_payload.</summary>
    private static string? ValidateMetadata(JsonNode? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        JsonNode? parsed;
        try
        {
            parsed = metadata is JsonValue value && value.TryGetValue<string>(out var text) ? JsonNode.Parse(text) : metadata;
        }
        catch (JsonException)
        {
            return "invalid_metadata_format";
        }

        if (parsed is not JsonObject obj || (string?)obj["event_type"] is not { Length: > 0 } type || obj["event_payload"] is not JsonObject)
        {
            return "invalid_metadata_format";
        }

        return type[0] is >= 'a' and <= 'z' && type.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? null : "invalid_metadata_schema";
    }

    private async Task DelayOrHoldAsync(JsonObject body)
    {
        if (PostLatency > TimeSpan.Zero)
        {
            await Task.Delay(PostLatency);
        }

        PostHold? hold;
        lock (_gate)
        {
            hold = _holds.FirstOrDefault(h => !h.Released && h.Matches(body));
        }

        if (hold is not null)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await hold.Task;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
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

    /// <summary>
    /// Block Kit rules for a message (<see cref="BlockKit"/>: 50 blocks, section 3,000, context 10, context_actions,
    /// feedback buttons, 12,000 markdown characters, …), <c>markdown_text</c> not together with <c>text</c> or
    /// <c>blocks</c>, and something to show: <c>text</c>, <c>markdown_text</c> or <c>blocks</c>.
    /// </summary>
    private static string? ValidateContent(JsonObject body)
    {
        if (body["markdown_text"] is not null && (body["text"] is not null || body["blocks"] is not null))
        {
            return "markdown_text_conflict";
        }

        if (body["blocks"] is { } blocks && (blocks is not JsonArray array || BlockKit.Check(array, BlockKit.MessageBlocks) is not null))
        {
            return "invalid_blocks";
        }

        return string.IsNullOrEmpty((string?)body["text"]) && string.IsNullOrEmpty((string?)body["markdown_text"]) && body["blocks"] is null ? "no_text" : null;
    }

    /// <summary>Slack's explanation of an invalid_blocks (<c>response_metadata.messages</c>), or null.</summary>
    private static JsonObject? BlockProblem(JsonObject body) =>
        body["blocks"] is JsonArray blocks && BlockKit.Check(blocks, BlockKit.MessageBlocks) is { } problem
            ? new JsonObject { ["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(problem) } }
            : null;

    /// <summary>
    /// A response_url: up to 5 messages, each checked like chat.postMessage (an invalid one is refused with
    /// HTTP 400 and the error as text, and not counted). A response_url from <see cref="BlockActions(StoredMessage, string, string?, string)"/>
    /// knows the clicked message: <c>delete_original</c> deletes it (then posts the rest of the body, if it is a
    /// message), <c>replace_original</c> replaces its text, blocks and metadata (both as JSON booleans or "true").
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
        if (_rateLimitNext.TryGetValue(ResponseUrlKey, out var left) && left > 0)
        {
            _rateLimitNext[ResponseUrlKey] = left - 1;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ResponseErrors.Enqueue("429");
            return Results.StatusCode((int)HttpStatusCode.TooManyRequests);
        }

        var failAfter = 0;
        if (_failNext.TryGetValue(ResponseUrlKey, out var failure) && failure.Count > 0)
        {
            _failNext[ResponseUrlKey] = (failure.Count - 1, failure.Status, failure.AfterStoring);
            ResponseErrors.Enqueue(failure.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!failure.AfterStoring)
            {
                return Results.StatusCode(failure.Status);
            }

            failAfter = failure.Status;
        }

        await DelayOrHoldAsync(message);
        var delete = Flag(message["delete_original"]);
        var onlyDelete = delete && message.All(kv => kv.Key is "delete_original" or "response_type" or "replace_original");
        if (!onlyDelete && ValidateContent(message) is { } error)
        {
            ResponseErrors.Enqueue(error);
            return Results.BadRequest(error);
        }

        queue.Enqueue(message);
        if (delete || Flag(message["replace_original"]))
        {
            ActOnOriginal(id, message, delete, onlyDelete);
        }

        return failAfter == 0 ? Results.Ok() : Results.StatusCode(failAfter);
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

    /// <summary>A hold on matching posts; disposing it lets them through.</summary>
    private sealed class PostHold(SlackEmulator owner, Func<JsonObject, bool> which) : IDisposable
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _released.Task;

        public bool Released => _released.Task.IsCompleted;

        public bool Matches(JsonObject body) => which(body);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._holds.Remove(this);
            }

            _released.TrySetResult();
        }
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
