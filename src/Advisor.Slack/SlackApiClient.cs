using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
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

/// <summary>The parts of users.info the bot uses.</summary>
public sealed record SlackUser(string Id, bool IsAdmin, bool IsOwner, bool IsPrimaryOwner, bool IsBot);

/// <summary>
/// Slack's Web API over an injectable <see cref="HttpClient"/>: JSON bodies, bearer tokens, <c>ok</c> checked,
/// 429 <c>Retry-After</c> honoured per method, transient failures retried with backoff within a bounded window.
/// Posting is not idempotent, so a post is retried only when the attempt surely did not post anything (see
/// <see cref="Delivery"/>). response_url calls go through a second client whose request logging is removed, because
/// the secret of a response_url is its path.
/// </summary>
public sealed partial class SlackApiClient(
    HttpClient http,
    HttpClient responseUrlHttp,
    IOptions<SlackOptions> options,
    TimeProvider time,
    AdvisorMetrics metrics,
    ILogger<SlackApiClient> logger)
{
    private const string Platform = "slack";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly SlackOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blockedUntil = new(StringComparer.Ordinal);

    /// <summary>How a call may be repeated when an attempt fails.</summary>
    internal enum Delivery
    {
        /// <summary>Reads and idempotent calls: every transient failure (network, timeout, 5xx, 429) is retried.</summary>
        Idempotent,

        /// <summary>
        /// Calls that post (chat.postMessage, response_url): retried only after a 429 (Slack rejected it), a 503 or 408
        /// (the server says it did not handle the request) or a failure to connect (DNS, refused, TLS). After another 5xx,
        /// a dropped response or a client timeout the message may have been posted, so it is not sent again.
        /// </summary>
        Once,

        /// <summary>Cosmetic calls (reactions): one attempt, skipped while the method is rate limited; failures are only logged.</summary>
        BestEffort,
    }

    /// <summary>Posts a message; returns its ts.</summary>
    public Task<string> PostMessageAsync(SlackMessage message, string channel, string? threadTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        return CallAsync("chat.postMessage", body, _options.BotToken, Delivery.Once, r => Str(r, "ts") ?? "", cancellationToken);
    }

    /// <summary>Replaces a message the bot posted (chat.update; repeating it is harmless, so it is retried like a read).</summary>
    public Task UpdateMessageAsync(SlackMessage message, string channel, string ts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        body["ts"] = ts;
        return CallAsync("chat.update", body, _options.BotToken, Delivery.Idempotent, _ => true, cancellationToken);
    }

    /// <summary>Adds a reaction, best effort: one attempt, none while reactions.add is rate limited; false when it was not added.</summary>
    public Task<bool> AddReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryReactAsync("reactions.add", channel, ts, name, cancellationToken);

    /// <summary>Removes a reaction, best effort like <see cref="AddReactionAsync"/>.</summary>
    public Task<bool> RemoveReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryReactAsync("reactions.remove", channel, ts, name, cancellationToken);

    /// <summary>users.info for one user.</summary>
    public Task<SlackUser> UserInfoAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync("users.info", new JsonObject { ["user"] = userId }, _options.BotToken, Delivery.Idempotent, r =>
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
        CallAsync("auth.test", [], _options.BotToken, Delivery.Idempotent,
            r => new SlackBotIdentity(Str(r, "user_id") ?? "", Str(r, "bot_id"), Str(r, "team_id")), cancellationToken);

    /// <summary>apps.connections.open with the app-level token: a fresh Socket Mode URL.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var url = await CallAsync("apps.connections.open", [], _options.AppToken ?? "", Delivery.Idempotent, r => Str(r, "url"), cancellationToken, maxAttempts: 1)
            .ConfigureAwait(false);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new SlackApiException("apps.connections.open", "no url in the response");
    }

    /// <summary>Posts a message to a slash command's response_url (up to 5 uses in 30 minutes). The URL is never logged.</summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SlackApiException("response_url", "not an http(s) URL");
        }

        using var response = await SendWithRetriesAsync(
            responseUrlHttp, "response_url", () => Json(uri, message, token: null), Delivery.Once, _options.MaxAttempts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls a Web API method with a JSON (or form) body; reads the response when ok:true, else throws.</summary>
    private async Task<T> CallAsync<T>(string method, JsonObject arguments, string token, Delivery delivery, Func<JsonElement, T> read,
        CancellationToken cancellationToken, bool form = false, int? maxAttempts = null)
    {
        var uri = new Uri(_options.ApiBase, method);
        using var response = await SendWithRetriesAsync(
            http,
            method,
            () => form ? Form(uri, arguments, token) : Json(uri, arguments, token),
            delivery,
            maxAttempts ?? (delivery == Delivery.BestEffort ? 1 : _options.MaxAttempts),
            cancellationToken).ConfigureAwait(false);
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
                Delivery.BestEffort, _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException)
        {
            return false; // already logged
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpClient client, string method, Func<HttpRequestMessage> request, Delivery delivery, int maxAttempts,
        CancellationToken cancellationToken)
    {
        if (delivery == Delivery.BestEffort && _blockedUntil.TryGetValue(method, out var until) && until > time.GetUtcNow())
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
            bool retryable;
            try
            {
                using var message = request();
                var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var retryAfter = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
                    _blockedUntil[method] = time.GetUtcNow() + retryAfter;
                    Log.RateLimited(logger, method, retryAfter.TotalSeconds);
                    response.Dispose();
                    reason = "rate_limited";
                    retryable = true; // Slack rejected the request: nothing was done
                    wait = TimeSpan.Zero; // the per-method gate does the waiting
                }
                else if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
                {
                    reason = $"HTTP {(int)response.StatusCode}";
                    retryable = delivery != Delivery.Once
                        || response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout;
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
                retryable = delivery != Delivery.Once || NeverReachedTheServer(ex.HttpRequestError);
                wait = backoff;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reason = "timeout";
                retryable = delivery != Delivery.Once;
                wait = backoff;
            }

            if (!retryable)
            {
                Log.NotRetried(logger, method, reason);
                throw new SlackApiException(method, $"{reason}; not retried, it may have been delivered");
            }

            if (delivery == Delivery.BestEffort)
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

        [LoggerMessage(1006, LogLevel.Error, "Slack {Method} failed ({Reason}) after the request may have reached Slack; not retried so that nothing is posted twice")]
        public static partial void NotRetried(ILogger logger, string method, string reason);

        [LoggerMessage(1007, LogLevel.Debug, "Slack {Method} skipped: the method is rate limited and the call is cosmetic")]
        public static partial void SkippedWhileRateLimited(ILogger logger, string method);

        [LoggerMessage(1008, LogLevel.Information, "Slack {Method} failed ({Reason}); it is cosmetic, so it is not retried")]
        public static partial void CosmeticFailed(ILogger logger, string method, string reason);
    }
}
