using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Models;

/// <summary>
/// Retries a request the server answered with 429, after the wait its Retry-After asks for, a bounded number
/// of times. A wait longer than <see cref="ModelOptions.MaxRetryDelaySeconds"/> is not honoured: the 429 goes
/// back to the caller (and the extractive answer is used). Other failures are not retried: the user is waiting.
/// </summary>
internal sealed partial class RateLimitRetryHandler(IOptions<ModelOptions> options, TimeProvider time, ILogger<RateLimitRetryHandler> logger) : DelegatingHandler
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxRetries == 0)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // Reading the body buffers it in the request's own content, so the first attempt sends that content unchanged;
        // each retry sends a copy in a new request, disposed (with its content) when the attempt is over.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentHeaders = request.Content?.Headers.ToList();
        for (var attempt = 0; ; attempt++)
        {
            using var retryRequest = attempt == 0 ? null : Clone(request, body, contentHeaders);
            var response = await base.SendAsync(retryRequest ?? request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= settings.MaxRetries)
            {
                return response;
            }

            var wait = RetryAfter(response.Headers.RetryAfter) ?? DefaultWait;
            if (wait > TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds))
            {
                Log.RetryAfterTooLong(logger, wait.TotalSeconds);
                return response;
            }

            Log.RateLimited(logger, attempt + 1, wait.TotalSeconds);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, byte[]? body, List<KeyValuePair<string, IEnumerable<string>>>? contentHeaders)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        }

        if (body is not null)
        {
            clone.Content = Content(body, contentHeaders);
        }

        return clone;
    }

    private static ByteArrayContent Content(byte[] body, List<KeyValuePair<string, IEnumerable<string>>>? headers)
    {
        var content = new ByteArrayContent(body);
        foreach (var header in headers ?? [])
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return content;
    }

    private static partial class Log
    {
        [LoggerMessage(301, LogLevel.Warning, "The model server is rate limiting (429); retry {Attempt} after {Seconds:0.##} s")]
        public static partial void RateLimited(ILogger logger, int attempt, double seconds);

        [LoggerMessage(302, LogLevel.Warning, "The model server asked to wait {Seconds:0.##} s (429), longer than Advisor:Model:MaxRetryDelaySeconds; giving up")]
        public static partial void RetryAfterTooLong(ILogger logger, double seconds);
    }
}
