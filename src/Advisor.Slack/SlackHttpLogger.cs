using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Request logging for the Web API client in place of the factory's default: the method called, the status and the
/// time taken, and nothing else. The default handlers also log request headers at Trace; their text redacts the
/// values, but the structured state they hand to the logging pipeline still carries "Authorization: Bearer xoxb-…",
/// which a structured sink (the JSON console, an exporter) would write out.
/// </summary>
internal sealed partial class SlackHttpLogger(ILogger<SlackHttpLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        Log.Answered(logger, MethodOf(request), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        Log.Failed(logger, MethodOf(request), exception.GetType().Name, elapsed.TotalMilliseconds);

    /// <summary>The Web API method: the last segment of the path (the URL carries no secret, but only this is useful).</summary>
    private static string MethodOf(HttpRequestMessage request) =>
        request.RequestUri?.Segments is { Length: > 0 } segments ? segments[^1] : "-";

    private static partial class Log
    {
        [LoggerMessage(1701, LogLevel.Debug, "Slack {Method}: HTTP {Status} in {Milliseconds} ms")]
        public static partial void Answered(ILogger logger, string method, int status, double milliseconds);

        [LoggerMessage(1702, LogLevel.Debug, "Slack {Method}: no response ({Error}) after {Milliseconds} ms")]
        public static partial void Failed(ILogger logger, string method, string error, double milliseconds);
    }
}
