using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Testing.Discord;

/// <summary>One REST call the emulator received.</summary>
public sealed record RecordedRequest(string Method, string Path, JsonNode? Body, DateTimeOffset At);

/// <summary>
/// A loopback Discord: REST (v10 paths under /api/v10) and Gateway WebSockets (/gateway, /resume) on 127.0.0.1.
/// Checks bot auth and User-Agent, the request bodies against the OpenAPI spec and Discord's documented message and
/// component limits (legacy action rows, Components V2, modals; flags EPHEMERAL 64 and IS_COMPONENTS_V2 32768).
/// <para>
/// It keeps what was posted, as Discord does: channel messages (with <c>nonce</c> + <c>enforce_nonce</c> a repeat
/// returns the message already created instead of a new one; PATCH edits one in place), each interaction's original response (created by the
/// callback or the first edit, readable with GET <c>@original</c>) and follow-ups; a second callback for one interaction
/// is refused with 40060. Faults can be scripted per path (and method): a stall, a dropped connection, or an HTTP error
/// either before the request is processed or after it was stored (the client then cannot tell whether it arrived).
/// </para>
/// <para>
/// For components (issue 11): signed component interactions (type 3) and modal submits (type 5) built from what was
/// really posted, delivered over HTTP or the gateway; every interaction response recorded (4/5/6/7/8/9, inline or by
/// callback) with its effect (type 7 edits the clicked message, 6 makes it the @original); message edits (PATCH channel
/// messages, webhook @original and follow-ups) recorded with per-route X-RateLimit-* headers and an optional 429; the
/// typing indicator recorded.
/// </para>
/// </summary>
public sealed partial class DiscordEmulator : IAsyncDisposable
{
    public const string Token = "test-bot-token";
    public const string ApplicationId = "777000000000000001";

    private readonly WebApplication _app;
    private readonly SpecSchemas? _spec;
    private readonly Channel<GatewayConnection> _connections = Channel.CreateUnbounded<GatewayConnection>();
    private readonly ConcurrentQueue<(string PathPrefix, double RetryAfter, bool Global)> _rateLimits = new();
    private readonly List<(string PathPrefix, string? Method, Fault Fault, int Status)> _faults = [];
    private readonly Lock _store = new();
    private readonly Dictionary<string, JsonObject> _byNonce = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);
    private long _nextId = 1_200_000_000_000_000_000;
    private int _gatewayConnections;

    private enum Fault
    {
        Stall,
        Abort,
        FailBefore,
        FailAfter,
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Called for every REST request as it arrives (after its body is read), on the request's thread.</summary>
    public Action<RecordedRequest>? RequestObserver { get; set; }

    /// <summary>How long each REST request takes before it is answered (a slow Discord), drawn per request; none when null.</summary>
    public Func<TimeSpan>? ResponseLatency { get; set; }

    /// <summary>Everything that would have made real Discord answer 400/401 (spec or limit violations, bad auth).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentDictionary<string, JsonNode?> Commands { get; } = new();

    /// <summary>Channel messages as Discord keeps them, by channel id, in the order created (repeats by nonce are not here twice).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> Messages { get; } = new();

    /// <summary>Each interaction's original response by interaction token (the deferred placeholder until edited).</summary>
    public ConcurrentDictionary<string, JsonObject> Originals { get; } = new();

    /// <summary>Follow-up messages by interaction token.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> Followups { get; } = new();

    /// <summary>The messages in a channel (empty when none).</summary>
    public IReadOnlyList<JsonObject> MessagesIn(string channelId) => Messages.TryGetValue(channelId, out var list) ? list.ToList() : [];

    public bool SpecLoaded => _spec is not null;

    public int GatewayConnections => Volatile.Read(ref _gatewayConnections);

    /// <summary>What GET /gateway/bot reports as session_start_limit.remaining (0 = no identify left until reset_after).</summary>
    public int SessionStartRemaining { get; set; } = 999;

    /// <summary>session_start_limit.reset_after in milliseconds.</summary>
    public int SessionStartResetAfterMs { get; set; } = 14_400_000;

    public bool RejectToken { get; set; }

    public string BaseUrl { get; }

    public string ApiBaseUrl => BaseUrl + "/api/v10";

    public string WsBase => BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal);

    private DiscordEmulator(WebApplication app, SpecSchemas? spec)
    {
        _app = app;
        _spec = spec;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public static async Task<DiscordEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        DiscordEmulator? self = null;
        app.Run(http => self!.HandleAsync(http));
        await app.StartAsync();
        self = new DiscordEmulator(app, SpecSchemas.Load());
        return self;
    }

    /// <summary>Scripts a 429 for the next request whose path starts with the prefix.</summary>
    public void RateLimitNext(string pathPrefix, double retryAfterSeconds, bool global) => _rateLimits.Enqueue((pathPrefix, retryAfterSeconds, global));

    /// <summary>Never answers the next request whose path starts with the prefix (until the client gives up).</summary>
    public void StallNext(string pathPrefix)
    {
        lock (_faults)
        {
            _faults.Add((pathPrefix, null, Fault.Stall, 0));
        }
    }

    /// <summary>Drops the connection of the next <paramref name="times"/> requests whose path starts with the prefix.</summary>
    public void AbortNext(string pathPrefix, int times = 1)
    {
        lock (_faults)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Add((pathPrefix, null, Fault.Abort, 0));
            }
        }
    }

    /// <summary>
    /// Answers the next <paramref name="times"/> requests whose path starts with the prefix (and, when given, whose method
    /// matches) with <paramref name="status"/>: before processing them, or — <paramref name="afterStore"/> — after
    /// processing and storing them, so what was posted is there although the client saw an error.
    /// </summary>
    public void FailNext(string pathPrefix, int status = 500, bool afterStore = false, string? method = null, int times = 1)
    {
        lock (_faults)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Add((pathPrefix, method, afterStore ? Fault.FailAfter : Fault.FailBefore, status));
            }
        }
    }

    private (Fault Fault, int Status)? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var index = _faults.FindIndex(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal) && (f.Method is null || f.Method == method));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            _faults.RemoveAt(index);
            return (fault.Fault, fault.Status);
        }
    }

    public async Task<GatewayConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _connections.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>A guild MESSAGE_CREATE as the gateway sends it (mentioning the bot when <paramref name="mentionBotId"/> is set).</summary>
    public static JsonObject MessageCreate(string id, string channelId, string guildId, string authorId, string content, string? mentionBotId, int channelType = 0) => new()
    {
        ["id"] = id,
        ["channel_id"] = channelId,
        ["guild_id"] = guildId,
        ["channel_type"] = channelType,
        ["author"] = new JsonObject { ["id"] = authorId, ["username"] = "user" + authorId[^4..], ["bot"] = false },
        ["content"] = mentionBotId is null ? content : $"<@{mentionBotId}> {content}",
        ["mentions"] = mentionBotId is null ? new JsonArray() : new JsonArray(new JsonObject { ["id"] = mentionBotId, ["username"] = "advisor", ["bot"] = true }),
        ["mention_roles"] = new JsonArray(),
        ["mention_everyone"] = false,
        ["type"] = 0,
        ["timestamp"] = "2026-01-01T00:00:00+00:00",
    };

    /// <summary>Whether a REST request is a channel message replying to message <paramref name="messageId"/>.</summary>
    public static bool IsReplyTo(RecordedRequest request, string messageId) =>
        request is { Method: "POST" } && request.Path.EndsWith("/messages", StringComparison.Ordinal)
        && request.Body?["message_reference"]?["message_id"]?.GetValue<string>() == messageId;

    internal async Task HandleAsync(HttpContext http)
    {
        if (http.WebSockets.IsWebSocketRequest)
        {
            await GatewayAsync(http);
            return;
        }

        var path = http.Request.Path.Value ?? "";
        var method = http.Request.Method;
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        JsonNode? body = null;
        if (text.Length > 0)
        {
            body = JsonNode.Parse(text);
            if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                Violations.Enqueue($"{method} {path}: Content-Type is {http.Request.ContentType}");
            }
        }

        var recorded = new RecordedRequest(method, path, body, DateTimeOffset.UtcNow);
        Requests.Enqueue(recorded);
        RequestObserver?.Invoke(recorded);
        var ua = http.Request.Headers.UserAgent.ToString();
        if (!ua.StartsWith("DiscordBot (", StringComparison.Ordinal))
        {
            Violations.Enqueue($"{method} {path}: User-Agent '{ua}' is not 'DiscordBot (url, version)'");
        }

        if (ResponseLatency is { } latency)
        {
            await Task.Delay(latency());
        }

        var fault = TakeFault(method, path);
        if (fault is { Fault: Fault.FailBefore, Status: var before })
        {
            await Json(http, before, new JsonObject { ["message"] = "Internal Server Error (scripted, not processed)", ["code"] = 0 });
            return;
        }

        switch (fault?.Fault)
        {
            case Fault.Stall:
                try
                {
                    await Task.Delay(Timeout.Infinite, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return;
            case Fault.Abort:
                http.Abort();
                return;
        }

        var isWebhook = path.StartsWith("/api/v10/webhooks/", StringComparison.Ordinal) || path.StartsWith("/api/v10/interactions/", StringComparison.Ordinal);
        if (path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", "v10", "webhooks", _, var webhookToken, ..])
        {
            // An inline answer the caller of PostInteractionAsync has not recorded yet comes first, as at Discord.
            await AwaitInlineAnswerAsync(method, path, webhookToken, http.RequestAborted);
        }

        if (!isWebhook)
        {
            if (http.Request.Headers.Authorization.ToString() != "Bot " + Token || RejectToken)
            {
                await Json(http, 401, new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 });
                return;
            }
        }

        if (_rateLimits.TryPeek(out var rl) && path.StartsWith(rl.PathPrefix, StringComparison.Ordinal) && _rateLimits.TryDequeue(out rl))
        {
            if (rl.Global)
            {
                http.Response.Headers["X-RateLimit-Global"] = "true";
            }

            http.Response.Headers["X-RateLimit-Scope"] = rl.Global ? "global" : "user";
            http.Response.Headers.RetryAfter = Math.Ceiling(rl.RetryAfter).ToString(CultureInfo.InvariantCulture);
            await Json(http, 429, new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = rl.RetryAfter, ["global"] = rl.Global });
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[2..];
        var errors = new List<string>();
        JsonNode? result = null;
        var status = 200;
        switch (method, segments)
        {
            case ("GET", ["gateway", "bot"]):
                result = new JsonObject { ["url"] = WsBase + "/gateway", ["shards"] = RecommendedShards, ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = SessionStartRemaining, ["reset_after"] = SessionStartResetAfterMs, ["max_concurrency"] = MaxConcurrency } };
                break;
            case ("POST", ["channels", var channel, "messages"]):
                Check("/channels/{channel_id}/messages", "post", body, errors);
                CheckMessageLimits(body, errors, requireAllowedMentions: true);
                CheckMessageShape(body, errors, CreateMessageFlags, existingFlags: 0);
                http.Response.Headers["X-RateLimit-Bucket"] = "msgbucket";
                http.Response.Headers["X-RateLimit-Limit"] = "5";
                http.Response.Headers["X-RateLimit-Remaining"] = "4";
                http.Response.Headers["X-RateLimit-Reset-After"] = "0.1";
                if (errors.Count == 0)
                {
                    result = CreateMessage(channel, body as JsonObject);
                }

                break;
            case ("POST", ["channels", var typingChannel, "typing"]):
                _typing.GetOrAdd(typingChannel, _ => new ConcurrentQueue<DateTimeOffset>()).Enqueue(DateTimeOffset.UtcNow);
                status = 204;
                break;
            case ("PATCH", ["channels", var editChannel, "messages", var editId]):
                Check("/channels/{channel_id}/messages/{message_id}", "patch", body, errors);
                (status, result) = await EditChannelMessageAsync(http, editChannel, editId, body, errors);
                if (status == 0)
                {
                    return; // answered (429)
                }

                break;
            case ("DELETE", ["channels", var deleteChannel, "messages", var deleteId]):
                status = DeleteChannelMessage(deleteChannel, deleteId) ? 204 : 404;
                result = status == 404 ? new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 } : null;
                break;
            case ("POST", ["channels", _, "messages", var messageId, "threads"]):
                result = new JsonObject { ["id"] = messageId, ["type"] = 11 };
                status = 201;
                break;
            case ("POST", ["interactions", var interactionId, var interactionToken, "callback"]):
                Check("/interactions/{interaction_id}/{interaction_token}/callback", "post", body, errors);
                (status, result) = Respond(interactionId, interactionToken, body as JsonObject, "callback", errors);
                break;
            case ("GET", ["webhooks", _, var originalToken, "messages", "@original"]):
                if (Originals.TryGetValue(originalToken, out var shownOriginal))
                {
                    result = shownOriginal.DeepClone();
                }
                else
                {
                    status = 404;
                    result = new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 };
                }

                break;
            case ("PATCH", ["webhooks", var editApp, var editToken, "messages", "@original"]):
                Check("/webhooks/{webhook_id}/{webhook_token}/messages/@original", "patch", body, errors);
                CheckMessageLimits(body, errors, requireAllowedMentions: true);
                (status, result) = await EditOriginalAsync(http, editApp, editToken, body, errors);
                if (status == 0)
                {
                    return; // answered (429)
                }

                break;
            case ("PATCH", ["webhooks", var followupApp, var followupEditToken, "messages", var followupEditId]):
                Check("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "patch", body, errors);
                (status, result) = await EditWebhookMessageAsync(http, followupApp, followupEditToken, followupEditId, body, errors);
                if (status == 0)
                {
                    return; // answered (429)
                }

                break;
            case ("DELETE", ["webhooks", _, var deleteToken, "messages", "@original"]):
                Originals.TryRemove(deleteToken, out _);
                status = 204;
                break;
            case ("POST", ["webhooks", _, var followupToken]):
                Check("/webhooks/{webhook_id}/{webhook_token}", "post", body, errors);
                CheckMessageLimits(body, errors, requireAllowedMentions: true);
                CheckMessageShape(body, errors, FollowupFlags, existingFlags: 0);
                if (errors.Count == 0)
                {
                    var followup = (JsonObject?)body?.DeepClone() ?? [];
                    followup["id"] = NextId();
                    if (ChannelOfToken(followupToken) is { } followupChannel)
                    {
                        followup["channel_id"] = followupChannel;
                    }

                    Followups.GetOrAdd(followupToken, _ => new ConcurrentQueue<JsonObject>()).Enqueue(followup);
                    Index(followup);
                    result = followup.DeepClone();
                }

                break;
            case ("GET", ["webhooks", _, var lookupToken, "messages", var followupId]):
                if (Followups.TryGetValue(lookupToken, out var sent) && sent.FirstOrDefault(m => m["id"]?.GetValue<string>() == followupId) is { } found)
                {
                    result = found.DeepClone();
                }
                else
                {
                    status = 404;
                    result = new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 };
                }

                break;
            case ("GET", ["users", "@me"]):
                result = new JsonObject { ["id"] = EmulatorSettings.DiscordBotUserId, ["username"] = "Advisor", ["bot"] = true };
                break;
            case ("GET", ["applications", _, "commands"]) or ("GET", ["applications", _, "guilds", _, "commands"]):
                result = Commands.TryGetValue(path, out var stored) && stored is not null ? stored.DeepClone() : new JsonArray();
                break;
            case ("PUT", ["applications", _, "commands"]) or ("PUT", ["applications", _, "guilds", _, "commands"]):
                Commands[path] = body?.DeepClone();
                result = body?.DeepClone();
                break;
            default:
                status = 404;
                result = new JsonObject { ["message"] = "404: Not Found", ["code"] = 0 };
                break;
        }

        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                Violations.Enqueue($"{method} {path}: {e}");
            }

            await Json(http, 400, new JsonObject { ["code"] = 50035, ["message"] = "Invalid Form Body", ["errors"] = new JsonObject { ["_errors"] = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject { ["message"] = e }).ToArray()) } });
            return;
        }

        if (fault is { Fault: Fault.FailAfter, Status: var after })
        {
            // Processed and stored, but the client hears of a failure.
            await Json(http, after, new JsonObject { ["message"] = "Internal Server Error (scripted, after storing)", ["code"] = 0 });
            return;
        }

        if (status == 204)
        {
            http.Response.StatusCode = 204;
            return;
        }

        await Json(http, status, result);
    }

    /// <summary>Creates a channel message; a repeated enforced nonce returns the message created first.</summary>
    private JsonObject CreateMessage(string channel, JsonObject? body)
    {
        var nonce = body?["nonce"]?.ToJsonString();
        var enforce = body?["enforce_nonce"]?.GetValueKind() == JsonValueKind.True;
        lock (_store)
        {
            if (enforce && nonce is not null && _byNonce.TryGetValue(nonce, out var existing))
            {
                return (JsonObject)existing.DeepClone();
            }

            var message = (JsonObject?)body?.DeepClone() ?? [];
            message["id"] = NextId();
            message["channel_id"] = channel;
            message["content"] = body?["content"]?.GetValue<string>() ?? "";
            Messages.GetOrAdd(channel, _ => new ConcurrentQueue<JsonObject>()).Enqueue(message);
            Index(message);
            if (nonce is not null)
            {
                _byNonce[nonce] = message;
            }

            return (JsonObject)message.DeepClone();
        }
    }

    /// <summary>DELETE /channels/{channel}/messages/{id}: gone from the channel (and <see cref="Deleted"/> lists it); false when it is not there.</summary>
    private bool DeleteChannelMessage(string channel, string id)
    {
        lock (_store)
        {
            if (!_byId.TryGetValue(id, out var found) || found["channel_id"]?.GetValue<string>() != channel || !Messages.TryGetValue(channel, out var list))
            {
                return false;
            }

            _byId.Remove(id);
            var kept = list.Where(m => m["id"]?.GetValue<string>() != id).ToList();
            list.Clear();
            foreach (var m in kept)
            {
                list.Enqueue(m);
            }

            Deleted.Enqueue(id);
            return true;
        }
    }

    /// <summary>The ids of channel messages deleted (DELETE /channels/{channel}/messages/{id}), in order.</summary>
    public ConcurrentQueue<string> Deleted { get; } = new();

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    private void Check(string template, string method, JsonNode? body, List<string> errors)
    {
        if (_spec is not null)
        {
            errors.AddRange(_spec.Validate(_spec.RequestSchema(template, method), body));
        }
    }

    /// <summary>Discord's documented limits (stricter than the spec's schema): content 2,000; embeds 4,096/1,024/25/6,000.</summary>
    private static void CheckMessageLimits(JsonNode? body, List<string> errors, bool requireAllowedMentions)
    {
        if (body is not JsonObject o)
        {
            errors.Add("body is not an object");
            return;
        }

        if (requireAllowedMentions && o["allowed_mentions"]?["parse"] is not JsonArray { Count: 0 })
        {
            errors.Add("allowed_mentions.parse is not an empty array");
        }

        if (o["content"]?.GetValue<string>() is { Length: > 2000 } content)
        {
            errors.Add($"content has {content.Length} characters (limit 2000)");
        }

        var total = 0;
        foreach (var embed in o["embeds"] as JsonArray ?? [])
        {
            var description = embed?["description"]?.GetValue<string>() ?? "";
            var title = embed?["title"]?.GetValue<string>() ?? "";
            if (description.Length > 4096)
            {
                errors.Add($"embed description has {description.Length} characters (limit 4096)");
            }

            total += description.Trim().Length + title.Trim().Length;
            var fields = embed?["fields"] as JsonArray ?? [];
            if (fields.Count > 25)
            {
                errors.Add($"embed has {fields.Count} fields (limit 25)");
            }

            foreach (var f in fields)
            {
                var name = f?["name"]?.GetValue<string>() ?? "";
                var value = f?["value"]?.GetValue<string>() ?? "";
                if (name.Trim().Length == 0 || value.Trim().Length == 0 || name.Length > 256 || value.Length > 1024)
                {
                    errors.Add($"embed field name/value length {name.Length}/{value.Length} out of range");
                }

                total += name.Trim().Length + value.Trim().Length;
            }
        }

        if (total > 6000)
        {
            errors.Add($"embeds total {total} characters (limit 6000)");
        }
    }

    private static async Task Json(HttpContext http, int status, JsonNode? body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body?.ToJsonString() ?? "null");
    }

    private async Task GatewayAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (query["v"] != "10" || query["encoding"] != "json")
        {
            Violations.Enqueue($"gateway connection {http.Request.Path}{http.Request.QueryString} lacks v=10&encoding=json");
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var number = Interlocked.Increment(ref _gatewayConnections);
        var connection = new GatewayConnection(socket, http.Request.Path.Value ?? "", this) { Number = number };
        if (AutoGateway)
        {
            // The emulator plays Discord's side of the handshake itself (see DiscordEmulator.Shards.cs).
            var pump = connection.PumpAsync();
            await AutoHandshakeAsync(connection);
            await pump;
            return;
        }

        await _connections.Writer.WriteAsync(connection);
        await connection.PumpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
