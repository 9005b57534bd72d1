using Advisor.Core;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Rest;

/// <summary>
/// The Discord REST API (v10) as the bot uses it: bot authorization, a proper User-Agent, per-bucket rate limits
/// from the X-RateLimit-* headers, 429 retry_after (route and global), and a stop on 401.
/// <para>
/// Retries: a 429 is waited out and sent again (Discord did nothing with it). A 5xx is sent again here only for GET and
/// PUT (reads and the bulk overwrite of the commands: a repeat leaves the same state and posts nothing). Every call that
/// posts, edits or deletes a message throws instead, and <see cref="DiscordDelivery"/> decides by the one delivery
/// policy whether it certainly did not arrive (a nonce makes a repeat safe, GET <c>@original</c> tells) before sending
/// it again — never blindly.
/// </para>
/// <para>
/// Every value put into a path is one escaped segment (<see cref="Segment"/>); interaction tokens are checked first
/// (<see cref="IsValidToken"/>), so a token such as <c>../../channels/1/messages</c> or <c>tok?x=1</c> can never reach
/// another route.
/// </para>
/// </summary>
internal sealed partial class DiscordRestClient
{
    public const string UserAgent = "DiscordBot (https://github.com/advisor-bot/advisor, 1.0) Advisor";
    private const int MaxAttempts = 4;

    private readonly HttpClient _http;
    private readonly DiscordOptions _options;
    private readonly DiscordStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordRestClient> _logger;
    private readonly string _base;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _bucketOfRoute = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private DateTimeOffset _globalUntil;

    private sealed class BucketState
    {
        public int Remaining { get; set; } = 1;
        public DateTimeOffset ResetAt { get; set; }
    }

    private readonly AdvisorMetrics _metrics;

    /// <summary>The application whose interactions this client answers.</summary>
    public string ApplicationId => _options.ApplicationId;

    public DiscordRestClient(HttpClient http, IOptions<DiscordOptions> options, DiscordStatus status, TimeProvider time, AdvisorMetrics metrics, ILogger<DiscordRestClient> logger)
    {
        _http = http;
        _options = options.Value;
        _status = status;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _base = _options.ApiBaseUrl.TrimEnd('/');
    }

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken ct)
    {
        var e = await SendAsync(HttpMethod.Get, "/gateway/bot", "GET /gateway/bot", "", null, botAuth: true, ct);
        var url = e?.Str("url") ?? throw new DiscordApiException(200, null, "GET /gateway/bot returned no url.");
        SessionStartLimit? limit = null;
        if (e.Value.Obj("session_start_limit") is { } l && l.Int("remaining") is { } remaining)
        {
            var resetAfter = l.TryGetProperty("reset_after", out var ra) && ra.TryGetDouble(out var ms) ? TimeSpan.FromMilliseconds(Math.Max(0, ms)) : TimeSpan.Zero;
            limit = new SessionStartLimit(l.Int("total") ?? 0, remaining, resetAfter, l.Int("max_concurrency") ?? 1);
        }

        return new GatewayBotInfo(url, e.Value.Int("shards") ?? 1, limit);
    }

    /// <summary>Posts a message and returns its id.</summary>
    public async Task<string?> CreateMessageAsync(string channelId, DiscordMessagePayload message, CancellationToken ct)
    {
        var e = await SendAsync(HttpMethod.Post, $"/channels/{Segment(channelId)}/messages", "POST /channels/{c}/messages", channelId, message, true, ct);
        return e?.Str("id");
    }

    /// <summary>Edits a message the bot posted (PATCH /channels/{c}/messages/{m}).</summary>
    public Task EditMessageAsync(string channelId, string messageId, DiscordMessagePayload message, CancellationToken ct) =>
        SendAsync(HttpMethod.Patch, $"/channels/{Segment(channelId)}/messages/{Segment(messageId)}", "PATCH /channels/{c}/messages/{m}", channelId, message, true, ct);

    /// <summary>Deletes a message the bot posted (DELETE /channels/{c}/messages/{m}).</summary>
    public Task DeleteMessageAsync(string channelId, string messageId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"/channels/{Segment(channelId)}/messages/{Segment(messageId)}", "DELETE /channels/{c}/messages/{m}", channelId, null, true, ct);

    public Task TriggerTypingAsync(string channelId, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"/channels/{Segment(channelId)}/typing", "POST /channels/{c}/typing", channelId, null, true, ct);

    /// <summary>Starts a public thread from a message and returns the thread's channel id (Discord gives it the message's id).</summary>
    public async Task<string?> StartThreadAsync(string channelId, string messageId, string name, CancellationToken ct)
    {
        var e = await SendAsync(HttpMethod.Post, $"/channels/{Segment(channelId)}/messages/{Segment(messageId)}/threads", "POST /channels/{c}/messages/{m}/threads", channelId,
            new { name, auto_archive_duration = 1440 }, true, ct);
        return e?.Str("id");
    }

    public Task CreateInteractionResponseAsync(string interactionId, string token, InteractionResponse response, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"/interactions/{Segment(interactionId)}/{Token(token)}/callback", "POST /interactions/{i}/{t}/callback", interactionId, response, false, ct);

    public Task EditOriginalResponseAsync(string token, DiscordMessagePayload message, CancellationToken ct) =>
        SendAsync(HttpMethod.Patch, OriginalPath(token), "PATCH /webhooks/{a}/{t}/messages/@original", token, message, false, ct);

    /// <summary>The interaction's original response as Discord has it; null when Discord has no such message (404).</summary>
    public async Task<JsonElement?> GetOriginalResponseAsync(string token, CancellationToken ct)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, OriginalPath(token), "GET /webhooks/{a}/{t}/messages/@original", token, null, false, ct);
        }
        catch (DiscordApiException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public Task DeleteOriginalResponseAsync(string token, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, OriginalPath(token), "DELETE /webhooks/{a}/{t}/messages/@original", token, null, false, ct);

    /// <summary>Sends a follow-up message (<c>?wait=true</c>, so Discord confirms it with the message) and returns its id.</summary>
    public async Task<string?> CreateFollowupAsync(string token, DiscordMessagePayload message, CancellationToken ct)
    {
        var e = await SendAsync(HttpMethod.Post, $"/webhooks/{Segment(_options.ApplicationId)}/{Token(token)}?wait=true", "POST /webhooks/{a}/{t}", token, message, false, ct);
        return e?.Str("id");
    }

    /// <summary>GET /users/@me: the bot user the token belongs to (401 when the token is not valid).</summary>
    public async Task<JsonElement> GetCurrentUserAsync(CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, "/users/@me", "GET /users/@me", "", null, true, ct) ?? default;

    public async Task<JsonElement> GetCommandsAsync(string? guildId, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, CommandsPath(guildId), "GET commands", guildId ?? "", null, true, ct) ?? default;

    public Task BulkOverwriteCommandsAsync(string? guildId, object commands, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, CommandsPath(guildId), "PUT commands", guildId ?? "", commands, true, ct);

    private string CommandsPath(string? guildId) => guildId is null
        ? $"/applications/{Segment(_options.ApplicationId)}/commands"
        : $"/applications/{Segment(_options.ApplicationId)}/guilds/{Segment(guildId)}/commands";

    private string OriginalPath(string token) => $"/webhooks/{Segment(_options.ApplicationId)}/{Token(token)}/messages/@original";

    /// <summary>
    /// True for a value that can be an interaction token: 1–1,000 of <c>A–Z a–z 0–9 . _ -</c> (Discord's tokens are
    /// URL-safe base64 with dots), and not a dot segment. Anything else is refused before it reaches a path.
    /// </summary>
    public static bool IsValidToken(string? token) => token is { Length: > 0 and <= 1000 } && TokenPattern().IsMatch(token) && token is not "." and not "..";

    /// <summary>One path segment, escaped; an empty or dot segment (which URI normalization would resolve) is refused.</summary>
    internal static string Segment(string value)
    {
        if (string.IsNullOrEmpty(value) || value is "." or "..")
        {
            throw new ArgumentException("A Discord REST path segment must not be empty, '.' or '..'.", nameof(value));
        }

        return Uri.EscapeDataString(value);
    }

    private static string Token(string token) =>
        IsValidToken(token) ? Segment(token) : throw new ArgumentException("Not a Discord interaction token (expected 1–1000 of A–Z, a–z, 0–9, '.', '_', '-').", nameof(token));

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TokenPattern();

    private async Task<JsonElement?> SendAsync(HttpMethod method, string path, string route, string major, object? body, bool botAuth, CancellationToken ct)
    {
        var json = body is null ? null : JsonSerializer.Serialize(body, body.GetType(), DiscordJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            if (botAuth && _status.StopReason is not null)
            {
                throw new DiscordUnauthorizedException($"The Discord adapter is stopped ({_status.StopReason}); not calling {route}.");
            }

            await WaitForLimitsAsync(route, major, ct);
            using var request = new HttpRequestMessage(method, _base + path);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            if (botAuth)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _options.Token);
            }

            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using var response = await TimedAsync(() => _http.SendAsync(request, ct), route, ct);
            var text = await TimedAsync(() => response.Content.ReadAsStringAsync(ct), route, ct);
            Observe(route, major, response);

            if (response.IsSuccessStatusCode)
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                using var doc = JsonDocument.Parse(text);
                return doc.RootElement.Clone();
            }

            var status = (int)response.StatusCode;
            if (status == 429)
            {
                var (retryAfter, global) = RetryAfter(response, text);
                lock (_gate)
                {
                    var until = _time.GetUtcNow() + retryAfter;
                    if (global)
                    {
                        _globalUntil = until;
                    }
                    else
                    {
                        var state = Bucket(route, major);
                        state.Remaining = 0;
                        state.ResetAt = until;
                    }
                }

                Log.RateLimited(_logger, route, retryAfter.TotalSeconds, global, attempt);
                if (attempt >= MaxAttempts)
                {
                    throw new DiscordApiException(429, null, $"Discord kept rate limiting {route} after {attempt} attempts.");
                }

                continue;
            }

            if (status == 401 && botAuth)
            {
                Log.Unauthorized(_logger, route);
                _status.Stop("Discord rejected the bot token (HTTP 401); set a valid Advisor:Discord:Token");
                throw new DiscordUnauthorizedException("Discord rejected the bot token (HTTP 401). Check Advisor:Discord:Token.");
            }

            if (status >= 500 && Idempotent(method) && attempt < MaxAttempts)
            {
                Log.ServerError(_logger, route, status, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), _time, ct);
                continue;
            }

            throw Error(status, text, route);
        }
    }

    /// <summary>Calls retried here after a 5xx: reads and the commands' bulk overwrite. Message calls are not (see the class notes).</summary>
    private static bool Idempotent(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Put;

    /// <summary>An HttpClient.Timeout (a cancellation that is not ours) becomes a <see cref="DiscordTimeoutException"/>.</summary>
    private static async Task<T> TimedAsync<T>(Func<Task<T>> call, string route, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DiscordTimeoutException($"Discord did not answer {route} in time: {ex.Message}", ex);
        }
    }

    private static DiscordApiException Error(int status, string text, string route)
    {
        int? code = null;
        var message = text;
        try
        {
            using var doc = JsonDocument.Parse(text);
            code = doc.RootElement.Int("code");
            message = doc.RootElement.Str("message") ?? text;
        }
        catch (JsonException)
        {
        }

        return new DiscordApiException(status, code, $"Discord answered {route} with HTTP {status}{(code is null ? "" : $" (code {code})")}: {message}");
    }

    private static (TimeSpan RetryAfter, bool Global) RetryAfter(HttpResponseMessage response, string text)
    {
        double seconds = 1;
        var global = response.Headers.TryGetValues("X-RateLimit-Global", out var g) && g.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("retry_after", out var ra) && ra.TryGetDouble(out var s))
            {
                seconds = s;
            }
            else if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                seconds = delta.TotalSeconds;
            }

            global |= doc.RootElement.Flag("global");
        }
        catch (JsonException)
        {
            if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                seconds = delta.TotalSeconds;
            }
        }

        return (TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 3600)), global);
    }

    private void Observe(string route, string major, HttpResponseMessage response)
    {
        var headers = response.Headers;
        var bucket = Header(headers, "X-RateLimit-Bucket");
        var remaining = Header(headers, "X-RateLimit-Remaining");
        var resetAfter = Header(headers, "X-RateLimit-Reset-After");
        if (remaining is null || resetAfter is null)
        {
            return;
        }

        lock (_gate)
        {
            if (bucket is not null)
            {
                _bucketOfRoute[route] = bucket;
            }

            var state = Bucket(route, major);
            if (int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r))
            {
                state.Remaining = r;
            }

            if (double.TryParse(resetAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            {
                state.ResetAt = _time.GetUtcNow() + TimeSpan.FromSeconds(s);
            }
        }
    }

    private BucketState Bucket(string route, string major)
    {
        var key = (_bucketOfRoute.TryGetValue(route, out var b) ? b : route) + "|" + major;
        if (!_buckets.TryGetValue(key, out var state))
        {
            if (_buckets.Count > 10_000)
            {
                var now = _time.GetUtcNow();
                foreach (var stale in _buckets.Where(kv => kv.Value.ResetAt < now).Select(kv => kv.Key).ToList())
                {
                    _buckets.Remove(stale);
                }
            }

            state = new BucketState();
            _buckets[key] = state;
        }

        return state;
    }

    private async Task WaitForLimitsAsync(string route, string major, CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                var state = Bucket(route, major);
                if (state.ResetAt <= now && state.Remaining <= 0)
                {
                    state.Remaining = 1;
                }

                wait = _globalUntil > now ? _globalUntil - now : TimeSpan.Zero;
                if (state.Remaining <= 0 && state.ResetAt > now && state.ResetAt - now > wait)
                {
                    wait = state.ResetAt - now;
                }

                if (wait <= TimeSpan.Zero)
                {
                    // Reserve one request of the bucket until the response tells the real count.
                    state.Remaining--;
                    break;
                }
            }

            // Whole milliseconds: a sub-millisecond delay completes at once and would spin until the reset.
            wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
            waited += wait;
            await Task.Delay(wait, _time, ct);
        }

        if (waited > TimeSpan.Zero)
        {
            _metrics.PlatformRateLimitWaited("discord", waited); // one wait per held request, however many turns it took
        }
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Warning, "Discord rate limited {Route}: waiting {Seconds:0.###} s (global: {Global}, attempt {Attempt})")]
        public static partial void RateLimited(ILogger logger, string route, double seconds, bool global, int attempt);

        [LoggerMessage(101, LogLevel.Critical, "Discord answered {Route} with 401 Unauthorized: the bot token (Advisor:Discord:Token) is invalid or was reset. The Discord adapter stops; set a valid token and restart.")]
        public static partial void Unauthorized(ILogger logger, string route);

        [LoggerMessage(102, LogLevel.Warning, "Discord answered {Route} with HTTP {Status}; retrying the read or overwrite (attempt {Attempt})")]
        public static partial void ServerError(ILogger logger, string route, int status, int attempt);
    }
}
