using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// </summary>
public sealed partial class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackApiClient> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly SlackOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blockedUntil = new(StringComparer.Ordinal);

    /// <summary>Posts a message; returns its ts.</summary>
    public async Task<string> PostMessageAsync(SlackMessage message, string channel, string? threadTs, CancellationToken cancellationToken)
    {
        var body = message.ToJson();
        body["channel"] = channel;
        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        var response = await CallAsync("chat.postMessage", body, _options.BotToken, cancellationToken).ConfigureAwait(false);
        return response.TryGetProperty("ts", out var ts) ? ts.GetString() ?? "" : "";
    }

    /// <summary>Replaces a message the bot posted.</summary>
    public Task UpdateMessageAsync(SlackMessage message, string channel, string ts, CancellationToken cancellationToken)
    {
        var body = message.ToJson();
        body["channel"] = channel;
        body["ts"] = ts;
        return CallAsync("chat.update", body, _options.BotToken, cancellationToken);
    }

    /// <summary>Adds a reaction; failures are logged, not thrown (a missing reaction must not cost an answer).</summary>
    public Task<bool> AddReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryCallAsync("reactions.add", new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = name }, cancellationToken);

    /// <summary>Removes a reaction; failures are logged, not thrown.</summary>
    public Task<bool> RemoveReactionAsync(string channel, string ts, string name, CancellationToken cancellationToken) =>
        TryCallAsync("reactions.remove", new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = name }, cancellationToken);

    /// <summary>users.info for one user.</summary>
    public async Task<SlackUser> UserInfoAsync(string userId, CancellationToken cancellationToken)
    {
        var response = await CallAsync("users.info", new JsonObject { ["user"] = userId }, _options.BotToken, cancellationToken, form: true).ConfigureAwait(false);
        var user = response.GetProperty("user");
        return new SlackUser(
            user.TryGetProperty("id", out var id) ? id.GetString() ?? userId : userId,
            Flag(user, "is_admin"),
            Flag(user, "is_owner"),
            Flag(user, "is_primary_owner"),
            Flag(user, "is_bot"));
    }

    /// <summary>auth.test with the bot token.</summary>
    public async Task<SlackBotIdentity> AuthTestAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("auth.test", [], _options.BotToken, cancellationToken).ConfigureAwait(false);
        return new SlackBotIdentity(
            response.GetProperty("user_id").GetString() ?? "",
            response.TryGetProperty("bot_id", out var bot) ? bot.GetString() : null,
            response.TryGetProperty("team_id", out var team) ? team.GetString() : null);
    }

    /// <summary>apps.connections.open with the app-level token: a fresh Socket Mode URL.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("apps.connections.open", [], _options.AppToken ?? "", cancellationToken, maxAttempts: 1).ConfigureAwait(false);
        var url = response.TryGetProperty("url", out var u) ? u.GetString() : null;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new SlackApiException("apps.connections.open", "no url in the response");
    }

    /// <summary>Posts a message to a slash command's response_url (up to 5 uses in 30 minutes).</summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SlackApiException("response_url", "not an http(s) URL");
        }

        await SendWithRetriesAsync("response_url", () => Json(HttpMethod.Post, uri, message, token: null), _options.MaxAttempts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls a Web API method with a JSON (or form) body; returns the response when ok:true, else throws.</summary>
    public async Task<JsonElement> CallAsync(string method, JsonObject arguments, string token, CancellationToken cancellationToken, bool form = false, int? maxAttempts = null)
    {
        var uri = new Uri(_options.ApiBase, method);
        using var response = await SendWithRetriesAsync(
            method,
            () => form ? Form(uri, arguments, token) : Json(HttpMethod.Post, uri, arguments, token),
            maxAttempts ?? _options.MaxAttempts,
            cancellationToken).ConfigureAwait(false);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(content).RootElement;
        }
        catch (JsonException)
        {
            Log.NotJson(logger, method, (int)response.StatusCode);
            throw new SlackApiException(method, "response is not JSON");
        }

        if (!root.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() ?? "unknown_error" : "unknown_error";
            Log.NotOk(logger, method, error);
            throw new SlackApiException(method, error);
        }

        return root;
    }

    private async Task<bool> TryCallAsync(string method, JsonObject arguments, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(method, arguments, _options.BotToken, cancellationToken, maxAttempts: 3).ConfigureAwait(false);
            return true;
        }
        catch (SlackApiException)
        {
            return false; // already logged
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(string method, Func<HttpRequestMessage> request, int maxAttempts, CancellationToken cancellationToken)
    {
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
                var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    wait = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
                    _blockedUntil[method] = time.GetUtcNow() + wait;
                    Log.RateLimited(logger, method, wait.TotalSeconds);
                    response.Dispose();
                    reason = "rate_limited";
                    wait = TimeSpan.Zero; // the per-method gate does the waiting
                }
                else if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
                {
                    reason = $"HTTP {(int)response.StatusCode}";
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

    private async Task WaitForRateLimitAsync(string method, CancellationToken cancellationToken)
    {
        while (_blockedUntil.TryGetValue(method, out var until))
        {
            var wait = until - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
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

    private static HttpRequestMessage Json(HttpMethod verb, Uri uri, JsonObject body, string? token)
    {
        var request = new HttpRequestMessage(verb, uri)
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
    }
}
