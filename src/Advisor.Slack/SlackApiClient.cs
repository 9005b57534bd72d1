using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>A Slack Web API error (<c>ok:false</c>) or a call that could not be completed in time.</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;

    public string Error { get; } = error;
}

/// <summary>Who the bot is (from auth.test).</summary>
public sealed record SlackBotIdentity(string UserId, string? BotId, string? TeamId);

/// <summary>What auth.test says of the bot token: the workspace, the bot user, and the granted scopes (x-oauth-scopes).</summary>
public sealed record SlackAuthTest(string Team, string? TeamId, string User, string UserId, IReadOnlyList<string>? Scopes);

/// <summary>The parts of users.info the bot uses.</summary>
public sealed record SlackUser(string Id, bool IsAdmin, bool IsOwner, bool IsPrimaryOwner, bool IsBot);

/// <summary>
/// Marks a reply so that, after an attempt whose outcome is unknown, the bot can look for it in the conversation:
/// the post carries <c>metadata {event_type: "advisor_reply", event_payload: {reply_id}}</c>.
/// </summary>
/// <param name="ReplyId">Stable id of this reply: the same for every attempt, different for every reply (the question's ts and the part).</param>
/// <param name="AfterTs">The ts of the question: the reply is not older, so the search starts there.</param>
/// <param name="BotId">The bot's own bot_id: only its messages count (null: any message with the id).</param>
public sealed record SlackReplyMark(string ReplyId, string AfterTs, string? BotId);

/// <summary>
/// Slack's Web API over an injectable <see cref="HttpClient"/>: JSON bodies, bearer tokens, <c>ok</c> checked,
/// 429 <c>Retry-After</c> honoured per method, reads retried with backoff within a bounded window. Posts follow the
/// core's one delivery policy (<see cref="Core.Hosting.Delivery"/>): an attempt that certainly did not arrive is sent
/// again; after one whose outcome is unknown (a 5xx, a timeout, a dropped response, <c>internal_error</c>) the bot
/// looks for the reply's metadata in the conversation and sends it again only when it is not there. A response_url
/// cannot be read back, so an unknown outcome there is not repeated. response_url calls go through a second client
/// whose request logging is removed, because the secret of a response_url is its path.
/// </summary>
public sealed partial class SlackApiClient(
    HttpClient http,
    HttpClient responseUrlHttp,
    IOptions<SlackOptions> options,
    TimeProvider time,
    AdvisorMetrics metrics,
    ILogger<SlackApiClient> logger)
{
    /// <summary>The metadata event_type on every reply the bot posts.</summary>
    public const string ReplyEventType = "advisor_reply";

    private const string Platform = "slack";

    /// <summary>Pages of a conversation searched for a reply at most (100 messages each).</summary>
    private const int MaxProbePages = 5;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How long to let Slack settle before looking for a post whose outcome was unknown.</summary>
    private static readonly TimeSpan ProbeDelay = TimeSpan.FromSeconds(1);

    private readonly SlackOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blockedUntil = new(StringComparer.Ordinal);

    /// <summary>How a read may be repeated when an attempt fails.</summary>
    internal enum CallKind
    {
        /// <summary>Reads and idempotent calls: every transient failure (network, timeout, 5xx, 429) is retried.</summary>
        Idempotent,

        /// <summary>Cosmetic calls (reactions): one attempt, skipped while the method is rate limited; failures are only logged.</summary>
        BestEffort,
    }

    /// <summary>One attempt at a post: what it tells, the ts when Slack gave one, and an ok:false error.</summary>
    private readonly record struct Attempt(SendResult Result, string? Ts = null, string? Error = null);

    /// <summary>
    /// Posts a message under the delivery policy and returns its ts. With a <paramref name="mark"/> the message carries
    /// the reply's metadata, and an attempt with an unknown outcome is checked against the conversation before it is
    /// sent again; without one such an attempt is not repeated. Throws <see cref="SlackApiException"/> when the message
    /// was not delivered (or is not known to be): refused by Slack, or given up (already logged).
    /// </summary>
    /// <param name="attempts">Attempts at most (default: as many as fit in the delivery window); 1 for a best-effort notice.</param>
    public async Task<string> PostMessageAsync(SlackMessage message, string channel, string? threadTs, SlackReplyMark? mark,
        CancellationToken cancellationToken, int? attempts = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        SlackApiMethods.Require("chat.postMessage");
        var body = message.ToJson();
        body["channel"] = channel;
        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        var marked = mark is not null;
        if (mark is not null)
        {
            body["metadata"] = new JsonObject
            {
                ["event_type"] = ReplyEventType,
                ["event_payload"] = new JsonObject { ["reply_id"] = mark.ReplyId },
            };
        }

        string? ts = null;
        var delivered = await Core.Hosting.Delivery.DeliverAsync(
            async (_, ct) =>
            {
                var attempt = await SendOnceAsync(http, "chat.postMessage", () => Json(new Uri(_options.ApiBase, "chat.postMessage"), body, _options.BotToken),
                    slackJson: true, ct).ConfigureAwait(false);
                if (attempt.Error is { } error && marked && error.Contains("metadata", StringComparison.Ordinal))
                {
                    // Slack refused the metadata itself: post without it (an unknown outcome then cannot be checked).
                    Log.MetadataRefused(logger, error);
                    body.Remove("metadata");
                    marked = false;
                }

                ts = attempt.Ts ?? ts;
                return attempt.Result;
            },
            async ct =>
            {
                if (!marked || mark is null)
                {
                    return null;
                }

                var (found, foundTs) = await FindReplyAsync(channel, threadTs, mark, ct).ConfigureAwait(false);
                ts = foundTs ?? ts;
                return found;
            },
            PostDelivery(attempts),
            time,
            logger,
            mark is null ? "a Slack message" : "Slack reply " + mark.ReplyId,
            cancellationToken).ConfigureAwait(false);
        return delivered ? ts ?? "" : throw new SlackApiException("chat.postMessage", "not delivered");
    }

    /// <summary>
    /// Whether a reply with this mark is in the conversation: conversations.replies of the thread (or
    /// conversations.history of the channel, for a reply outside a thread) from the question on, with
    /// include_all_metadata. Null when it cannot be told (the read failed, or the conversation has too many messages
    /// since the question); the ts of the reply when found.
    /// </summary>
    public async Task<(bool? Found, string? Ts)> FindReplyAsync(string channel, string? threadTs, SlackReplyMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        await Task.Delay(ProbeDelay, time, cancellationToken).ConfigureAwait(false);
        var method = threadTs is null ? "conversations.history" : "conversations.replies";
        string? cursor = null;
        try
        {
            for (var page = 0; page < MaxProbePages; page++)
            {
                var arguments = new JsonObject
                {
                    ["channel"] = channel,
                    ["oldest"] = mark.AfterTs,
                    ["inclusive"] = "true",
                    ["limit"] = "100",
                    ["include_all_metadata"] = "true",
                };
                if (threadTs is not null)
                {
                    arguments["ts"] = threadTs;
                }

                if (cursor is not null)
                {
                    arguments["cursor"] = cursor;
                }

                var (ts, more, next) = await CallAsync(method, arguments, _options.BotToken, CallKind.Idempotent, r => Scan(r, mark), cancellationToken,
                    form: true, maxAttempts: 3).ConfigureAwait(false);
                if (ts is not null)
                {
                    return (true, ts);
                }

                if (!more)
                {
                    return (false, null);
                }

                if (next is null)
                {
                    return (null, null);
                }

                cursor = next;
            }
        }
        catch (SlackApiException)
        {
            // Logged by the call (e.g. missing_scope, not_in_channel): whether the reply is there cannot be told.
        }

        return (null, null);
    }

    private static (string? Ts, bool More, string? Cursor) Scan(JsonElement response, SlackReplyMark mark)
    {
        if (response.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in messages.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object
                    && m.TryGetProperty("metadata", out var metadata)
                    && Str(metadata, "event_type") == ReplyEventType
                    && metadata.TryGetProperty("event_payload", out var payload)
                    && Str(payload, "reply_id") == mark.ReplyId
                    && (mark.BotId is null || Str(m, "bot_id") == mark.BotId))
                {
                    return (Str(m, "ts") ?? "", false, null);
                }
            }
        }

        var more = response.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True;
        var cursor = response.TryGetProperty("response_metadata", out var meta) ? Str(meta, "next_cursor") : null;
        return (null, more, string.IsNullOrEmpty(cursor) ? null : cursor);
    }

    /// <summary>
    /// Replaces a message the bot posted (chat.update; repeating it is harmless, so it is retried like a read). With a
    /// <paramref name="mark"/> the reply's metadata is sent along (chat.update keeps the old metadata unless it is resent;
    /// a streamed message gets its metadata here or from chat.stopStream).
    /// </summary>
    public Task UpdateMessageAsync(SlackMessage message, string channel, string ts, CancellationToken cancellationToken, SlackReplyMark? mark = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        body["ts"] = ts;
        if (mark is not null)
        {
            body["metadata"] = Metadata(mark);
        }

        return CallAsync("chat.update", body, _options.BotToken, CallKind.Idempotent, _ => true, cancellationToken);
    }

    /// <summary>Adds a reaction, best effort: one attempt, none while reactions.add is rate limited; false when it was not added.</summary>
    public Task<bool> AddReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryReactAsync("reactions.add", channel, ts, name, cancellationToken);

    /// <summary>Removes a reaction, best effort like <see cref="AddReactionAsync"/>.</summary>
    public Task<bool> RemoveReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryReactAsync("reactions.remove", channel, ts, name, cancellationToken);

    /// <summary>
    /// assistant.threads.setStatus (<c>""</c> clears it), best effort: one attempt, none while the method is rate
    /// limited. Returns null when set, else Slack's error (e.g. <c>missing_scope</c>, <c>unknown_method</c>).
    /// </summary>
    public async Task<string?> TrySetAssistantStatusAsync(string channel, string threadTs, string status, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("assistant.threads.setStatus", new JsonObject { ["channel_id"] = channel, ["thread_ts"] = threadTs, ["status"] = status },
                _options.BotToken, CallKind.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SlackApiException ex)
        {
            return ex.Error; // logged by the call
        }
    }

    /// <summary>
    /// assistant.threads.setSuggestedPrompts, best effort: one attempt. Returns null when set, else Slack's error
    /// (e.g. <c>not_agent_app</c>, <c>missing_scope</c>).
    /// </summary>
    public async Task<string?> TrySetSuggestedPromptsAsync(JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("assistant.threads.setSuggestedPrompts", body, _options.BotToken, CallKind.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SlackApiException ex)
        {
            return ex.Error;
        }
    }

    /// <summary>
    /// agents.sessions.setStatus (processing, active, …) on a thread session, best effort: one attempt. Returns null
    /// when set, else Slack's error (<c>unknown_method</c>, <c>missing_scope</c>, <c>feature_disabled</c>, … when the app
    /// is not an agent app).
    /// </summary>
    public Task<string?> TrySetAgentSessionStatusAsync(string channel, string threadTs, string status, CancellationToken cancellationToken) =>
        TrySetAgentSessionStatusAsync(channel, threadTs, status, null, cancellationToken);

    /// <inheritdoc cref="TrySetAgentSessionStatusAsync(string, string, string, CancellationToken)"/>
    /// <param name="title">The session's title (at most 200 characters), used by Slack only when the call creates the session.</param>
    public async Task<string?> TrySetAgentSessionStatusAsync(string channel, string threadTs, string status, string? title, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["channel_id"] = channel, ["thread_ts"] = threadTs, ["status"] = status };
        if (!string.IsNullOrEmpty(title))
        {
            body["title"] = title;
        }

        try
        {
            await CallAsync("agents.sessions.setStatus", body, _options.BotToken, CallKind.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SlackApiException ex)
        {
            return ex.Error;
        }
    }

    /// <summary>
    /// agents.sessions.rename of a thread session (title 1–200 characters), best effort: one attempt. Returns null when
    /// renamed, else Slack's error (<c>session_not_found</c>, <c>invalid_name</c>, …).
    /// </summary>
    public async Task<string?> TryRenameAgentSessionAsync(string channel, string threadTs, string title, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("agents.sessions.rename", new JsonObject { ["channel_id"] = channel, ["thread_ts"] = threadTs, ["title"] = title },
                _options.BotToken, CallKind.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SlackApiException ex)
        {
            return ex.Error;
        }
    }

    /// <summary>
    /// chat.startStream in a thread with the first markdown; returns the streaming message's ts. One attempt, none
    /// while the method is rate limited (the caller then posts and updates instead).
    /// </summary>
    public Task<string> StartStreamAsync(string channel, string? threadTs, string? recipientUserId, string? recipientTeamId, string markdown,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["channel"] = channel, ["markdown_text"] = markdown };
        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        if (!string.IsNullOrEmpty(recipientUserId) && !string.IsNullOrEmpty(recipientTeamId))
        {
            body["recipient_user_id"] = recipientUserId;
            body["recipient_team_id"] = recipientTeamId;
        }

        return CallAsync("chat.startStream", body, _options.BotToken, CallKind.BestEffort, r => Str(r, "ts") ?? throw new SlackApiException("chat.startStream", "no ts"),
            cancellationToken);
    }

    /// <summary>chat.appendStream: one attempt (appending twice would show the text twice), after any Retry-After wait.</summary>
    public Task AppendStreamAsync(string channel, string ts, string markdown, CancellationToken cancellationToken) =>
        CallAsync("chat.appendStream", new JsonObject { ["channel"] = channel, ["ts"] = ts, ["markdown_text"] = markdown }, _options.BotToken,
            CallKind.Idempotent, _ => true, cancellationToken, maxAttempts: 1);

    /// <summary>chat.stopStream with optional final markdown, blocks shown at the bottom, and the reply's metadata.</summary>
    public Task StopStreamAsync(string channel, string ts, string? markdown, IReadOnlyList<JsonObject>? blocks, SlackReplyMark? mark,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["channel"] = channel, ["ts"] = ts };
        if (!string.IsNullOrEmpty(markdown))
        {
            body["markdown_text"] = markdown;
        }

        if (blocks is { Count: > 0 })
        {
            body["blocks"] = new JsonArray([.. blocks.Select(b => (JsonNode)b.DeepClone())]);
        }

        if (mark is not null)
        {
            body["metadata"] = Metadata(mark);
        }

        return CallAsync("chat.stopStream", body, _options.BotToken, CallKind.Idempotent, _ => true, cancellationToken, maxAttempts: 3);
    }

    /// <summary>views.open with a click's trigger_id (valid for 3 s, once): one attempt.</summary>
    public Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, _options.BotToken, CallKind.Idempotent, _ => true,
            cancellationToken, maxAttempts: 1);

    /// <summary>The metadata that marks a reply (see <see cref="SlackReplyMark"/>).</summary>
    internal static JsonObject Metadata(SlackReplyMark mark) => new()
    {
        ["event_type"] = ReplyEventType,
        ["event_payload"] = new JsonObject { ["reply_id"] = mark.ReplyId },
    };

    /// <summary>users.info for one user.</summary>
    public Task<SlackUser> UserInfoAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync("users.info", new JsonObject { ["user"] = userId }, _options.BotToken, CallKind.Idempotent, r =>
        {
            var user = r.GetProperty("user");
            return new SlackUser(
                Str(user, "id") ?? userId,
                Flag(user, "is_admin"),
                Flag(user, "is_owner"),
                Flag(user, "is_primary_owner"),
                Flag(user, "is_bot"));
        }, cancellationToken, form: true);

    /// <summary>auth.test with the bot token.</summary>
    public Task<SlackBotIdentity> AuthTestAsync(CancellationToken cancellationToken) =>
        CallAsync("auth.test", [], _options.BotToken, CallKind.Idempotent,
            r => new SlackBotIdentity(Str(r, "user_id") ?? "", Str(r, "bot_id"), Str(r, "team_id")), cancellationToken);

    /// <summary>
    /// auth.test with the bot token, once (no retries), for <c>advisor doctor</c>: who the token is, and the scopes Slack
    /// granted it (the <c>x-oauth-scopes</c> response header; null when Slack sent none).
    /// </summary>
    public async Task<SlackAuthTest> AuthTestOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? scopes = null;
        var test = await CallAsync("auth.test", [], _options.BotToken, CallKind.Idempotent,
            r => new SlackAuthTest(Str(r, "team") ?? "", Str(r, "team_id"), Str(r, "user") ?? "", Str(r, "user_id") ?? "", null),
            cancellationToken, maxAttempts: 1,
            onResponse: r => scopes = r.Headers.TryGetValues("x-oauth-scopes", out var values)
                ? values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
                : null).ConfigureAwait(false);
        return test with { Scopes = scopes };
    }

    /// <summary>apps.connections.open with the app-level token: a fresh Socket Mode URL.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var url = await CallAsync("apps.connections.open", [], _options.AppToken ?? "", CallKind.Idempotent, r => Str(r, "url"), cancellationToken, maxAttempts: 1)
            .ConfigureAwait(false);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new SlackApiException("apps.connections.open", "no url in the response");
    }

    /// <summary>
    /// Posts a message to a slash command's response_url (up to 5 uses in 30 minutes). Only Slack's own response URLs
    /// are used (<see cref="SlackResponseUrl"/>). An attempt that certainly did not arrive (429, no connection) is sent
    /// again; one with an unknown outcome is not, because a response_url cannot be read back. The URL is never logged.
    /// Throws <see cref="SlackApiException"/> when the message was not delivered (or is not known to be).
    /// </summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        if (!SlackResponseUrl.IsAllowed(responseUrl, _options.ApiBase, out var uri))
        {
            throw new SlackApiException("response_url", "not a Slack response URL");
        }

        var delivered = await Core.Hosting.Delivery.DeliverAsync(
            async (_, ct) => (await SendOnceAsync(responseUrlHttp, "response_url", () => Json(uri!, message, token: null), slackJson: false, ct)
                .ConfigureAwait(false)).Result,
            _ => Task.FromResult<bool?>(null),
            PostDelivery(null),
            time,
            logger,
            "a Slack response_url message",
            cancellationToken).ConfigureAwait(false);
        if (!delivered)
        {
            throw new SlackApiException("response_url", "not delivered");
        }
    }

    /// <summary>Attempts for a post: as many as the doubling backoff (1 s, 2 s, 4 s…) fits in the delivery window, at most MaxAttempts.</summary>
    private DeliveryOptions PostDelivery(int? attempts)
    {
        var fit = 1;
        double waited = 0, wait = 1;
        while (fit < _options.MaxAttempts && waited + wait <= _options.DeliveryWindowSeconds)
        {
            waited += wait;
            wait *= 2;
            fit++;
        }

        return new DeliveryOptions(Math.Max(1, attempts ?? fit), TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// One attempt at a post, classified for the delivery policy: Delivered (2xx and, for the Web API, ok:true);
    /// NotDelivered when Slack refused it before handling it (429, 408, ok:false ratelimited / service_unavailable /
    /// request_timeout, or the connection was never made); Unknown when it may have been handled (a 5xx, a timeout or
    /// a dropped response after sending, a body that is not JSON, ok:false internal_error / fatal_error). Any other
    /// refusal (another 4xx, ok:false channel_not_found…) is final: logged and thrown.
    /// </summary>
    private async Task<Attempt> SendOnceAsync(HttpClient client, string method, Func<HttpRequestMessage> request, bool slackJson, CancellationToken cancellationToken)
    {
        // A 429 is not a failed attempt: Slack refused the post, so it is sent again once Retry-After has passed
        // (the per-method gate waits, and counts the wait), a bounded number of times.
        for (var limited = 1; ; limited++)
        {
            var attempt = await TrySendAsync(client, method, request, slackJson, cancellationToken).ConfigureAwait(false);
            if (attempt.Error != "429" || limited >= _options.MaxAttempts)
            {
                return attempt;
            }
        }
    }

    private async Task<Attempt> TrySendAsync(HttpClient client, string method, Func<HttpRequestMessage> request, bool slackJson, CancellationToken cancellationToken)
    {
        await WaitForRateLimitAsync(method, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            using var message = request();
            response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var never = NeverReachedTheServer(ex.HttpRequestError);
            Log.PostAttemptFailed(logger, method, ex.HttpRequestError.ToString(), never ? "not delivered" : "unknown");
            return new Attempt(never ? SendResult.NotDelivered : SendResult.Unknown);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.PostAttemptFailed(logger, method, "timeout", "unknown");
            return new Attempt(SendResult.Unknown);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Block(method, RetryAfter(response) ?? TimeSpan.FromSeconds(1));
                return new Attempt(SendResult.NotDelivered, Error: "429");
            }

            if (status >= 500)
            {
                Log.PostAttemptFailed(logger, method, $"HTTP {status}", "unknown");
                return new Attempt(SendResult.Unknown);
            }

            if (response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                Log.PostAttemptFailed(logger, method, "HTTP 408", "not delivered");
                return new Attempt(SendResult.NotDelivered);
            }

            if (!response.IsSuccessStatusCode)
            {
                Log.NotOk(logger, method, $"HTTP {status}");
                throw new SlackApiException(method, $"HTTP {status}");
            }

            if (!slackJson)
            {
                return new Attempt(SendResult.Delivered);
            }

            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(content);
            }
            catch (JsonException)
            {
                Log.NotJson(logger, method, status);
                return new Attempt(SendResult.Unknown);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
                {
                    return new Attempt(SendResult.Delivered, Str(root, "ts"));
                }

                var error = Str(root, "error") ?? "unknown_error";
                Log.NotOk(logger, method, error);
                switch (error)
                {
                    case "ratelimited" or "rate_limited":
                        Block(method, RetryAfter(response) ?? TimeSpan.FromSeconds(1));
                        return new Attempt(SendResult.NotDelivered, Error: "429");
                    case "service_unavailable" or "request_timeout" or "team_added_to_org":
                        return new Attempt(SendResult.NotDelivered, Error: error);
                    case "internal_error" or "fatal_error":
                        // Slack: "it's possible some aspect of the operation succeeded before the error was raised".
                        return new Attempt(SendResult.Unknown, Error: error);
                    case "invalid_metadata_format" or "invalid_metadata_schema" or "metadata_too_large" or "metadata_must_be_sent_from_app":
                        return new Attempt(SendResult.NotDelivered, Error: error);
                    default:
                        throw new SlackApiException(method, error);
                }
            }
        }
    }

    private void Block(string method, TimeSpan retryAfter)
    {
        _blockedUntil[method] = time.GetUtcNow() + retryAfter;
        Log.RateLimited(logger, method, retryAfter.TotalSeconds);
    }

    /// <summary>Calls a Web API method with a JSON (or form) body; reads the response when ok:true, else throws.</summary>
    private async Task<T> CallAsync<T>(string method, JsonObject arguments, string token, CallKind delivery, Func<JsonElement, T> read,
        CancellationToken cancellationToken, bool form = false, int? maxAttempts = null, Action<HttpResponseMessage>? onResponse = null)
    {
        if (method != "apps.connections.open")
        {
            SlackApiMethods.Require(method);
        }

        var uri = new Uri(_options.ApiBase, method);
        using var response = await SendWithRetriesAsync(
            http,
            method,
            () => form ? Form(uri, arguments, token) : Json(uri, arguments, token),
            delivery,
            maxAttempts ?? (delivery == CallKind.BestEffort ? 1 : _options.MaxAttempts),
            cancellationToken).ConfigureAwait(false);
        onResponse?.Invoke(response);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException)
        {
            Log.NotJson(logger, method, (int)response.StatusCode);
            throw new SlackApiException(method, "response is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
            {
                var error = root.ValueKind == JsonValueKind.Object ? Str(root, "error") ?? "unknown_error" : "unknown_error";
                Log.NotOk(logger, method, error);
                throw new SlackApiException(method, error);
            }

            return read(root);
        }
    }

    private async Task<bool> TryReactAsync(string method, string channel, string ts, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync(method, new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = name }, _options.BotToken,
                CallKind.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException)
        {
            return false; // already logged
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpClient client, string method, Func<HttpRequestMessage> request, CallKind delivery, int maxAttempts,
        CancellationToken cancellationToken)
    {
        if (delivery == CallKind.BestEffort && _blockedUntil.TryGetValue(method, out var until) && until > time.GetUtcNow())
        {
            Log.SkippedWhileRateLimited(logger, method);
            throw new SlackApiException(method, "skipped while rate limited");
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(_options.DeliveryWindowSeconds);
        var backoff = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            await WaitForRateLimitAsync(method, cancellationToken).ConfigureAwait(false);
            TimeSpan wait;
            string reason;
            try
            {
                using var message = request();
                var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Block(method, RetryAfter(response) ?? TimeSpan.FromSeconds(1));
                    response.Dispose();
                    reason = "rate_limited"; // Slack rejected the request: nothing was done
                    wait = TimeSpan.Zero; // the per-method gate does the waiting
                }
                else if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
                {
                    reason = $"HTTP {(int)response.StatusCode}"; // a read: repeating it is harmless
                    wait = RetryAfter(response) ?? backoff;
                    response.Dispose();
                }
                else if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    response.Dispose();
                    Log.NotOk(logger, method, $"HTTP {status}");
                    throw new SlackApiException(method, $"HTTP {status}");
                }
                else
                {
                    return response;
                }
            }
            catch (HttpRequestException ex)
            {
                reason = ex.HttpRequestError.ToString();
                wait = backoff;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reason = "timeout";
                wait = backoff;
            }

            if (delivery == CallKind.BestEffort)
            {
                Log.CosmeticFailed(logger, method, reason);
                throw new SlackApiException(method, reason);
            }

            var next = time.GetUtcNow() + wait;
            if (attempt >= maxAttempts || next > deadline)
            {
                Log.GaveUp(logger, method, attempt, reason);
                throw new SlackApiException(method, $"gave up after {attempt} attempts ({reason})");
            }

            Log.Retrying(logger, method, attempt, reason, wait.TotalSeconds);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Failures that happen before a request is sent: it cannot have been delivered.</summary>
    private static bool NeverReachedTheServer(HttpRequestError error) =>
        error is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private async Task WaitForRateLimitAsync(string method, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (_blockedUntil.TryGetValue(method, out var until))
        {
            var wait = until - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                break;
            }

            // Whole milliseconds: a sub-millisecond delay completes at once and would spin until the deadline.
            wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
            waited += wait;
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        if (waited > TimeSpan.Zero)
        {
            metrics.PlatformRateLimitWaited(Platform, waited); // one wait per held call, however many turns it took
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
            {
                return delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - time.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static HttpRequestMessage Json(Uri uri, JsonObject body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static HttpRequestMessage Form(Uri uri, JsonObject body, string token)
    {
        var fields = body.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value?.ToString() ?? ""));
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static string? Str(JsonElement e, string name) => SlackEventEnvelope.Str(e, name);

    private static bool Flag(JsonElement user, string name) =>
        user.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Warning, "Slack {Method} returned ok:false: {Error}")]
        public static partial void NotOk(ILogger logger, string method, string error);

        [LoggerMessage(1002, LogLevel.Warning, "Slack {Method} is rate limited; waiting {Seconds} s as Retry-After asks")]
        public static partial void RateLimited(ILogger logger, string method, double seconds);

        [LoggerMessage(1003, LogLevel.Information, "Slack {Method} attempt {Attempt} failed ({Reason}); retrying in {Seconds} s")]
        public static partial void Retrying(ILogger logger, string method, int attempt, string reason, double seconds);

        [LoggerMessage(1004, LogLevel.Error, "Slack {Method} given up after {Attempt} attempts ({Reason})")]
        public static partial void GaveUp(ILogger logger, string method, int attempt, string reason);

        [LoggerMessage(1005, LogLevel.Warning, "Slack {Method} answered HTTP {Status} with a body that is not JSON")]
        public static partial void NotJson(ILogger logger, string method, int status);

        [LoggerMessage(1006, LogLevel.Information, "Slack {Method} attempt failed ({Reason}); outcome: {Outcome}")]
        public static partial void PostAttemptFailed(ILogger logger, string method, string reason, string outcome);

        [LoggerMessage(1007, LogLevel.Debug, "Slack {Method} skipped: the method is rate limited and the call is cosmetic")]
        public static partial void SkippedWhileRateLimited(ILogger logger, string method);

        [LoggerMessage(1008, LogLevel.Information, "Slack {Method} failed ({Reason}); it is cosmetic, so it is not retried")]
        public static partial void CosmeticFailed(ILogger logger, string method, string reason);

        [LoggerMessage(1009, LogLevel.Warning, "Slack refused the reply metadata ({Error}); the reply is posted without it, so an unknown outcome cannot be checked")]
        public static partial void MetadataRefused(ILogger logger, string error);
    }
}
