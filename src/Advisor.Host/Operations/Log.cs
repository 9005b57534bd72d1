using Microsoft.Extensions.Logging;

namespace Advisor.Host.Operations;

/// <summary>The host's log messages. No message carries a token or a question's text.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Reload requested by {Trigger}")]
    public static partial void ReloadRequested(ILogger logger, string trigger);

    [LoggerMessage(103, LogLevel.Error, "Reload crashed; the last good knowledge keeps serving")]
    public static partial void ReloadCrashed(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Information, "Watching {Folder} for changes (debounce {DebounceMs} ms)")]
    public static partial void Watching(ILogger logger, string folder, int debounceMs);

    [LoggerMessage(111, LogLevel.Information, "Not watching {Folder}: it does not exist")]
    public static partial void FolderMissing(ILogger logger, string folder);

    [LoggerMessage(112, LogLevel.Information, "File watching is off (Advisor:Reload:WatchFiles = false)")]
    public static partial void WatchingOff(ILogger logger);

    [LoggerMessage(113, LogLevel.Warning, "File watcher on {Folder} lost events ({Reason}); reloading to be safe")]
    public static partial void WatcherError(ILogger logger, string folder, string reason);

    [LoggerMessage(120, LogLevel.Information, "Shutting down: refusing new questions, waiting for {InFlight} in flight")]
    public static partial void Draining(ILogger logger, int inFlight);

    [LoggerMessage(121, LogLevel.Information, "All questions in flight answered")]
    public static partial void Drained(ILogger logger);

    [LoggerMessage(122, LogLevel.Warning, "Shutdown timeout reached with {InFlight} questions still in flight")]
    public static partial void DrainTimedOut(ILogger logger, int inFlight);

    [LoggerMessage(131, LogLevel.Information, "Admin endpoint POST /admin/reload is {State}")]
    public static partial void AdminEndpoint(ILogger logger, string state);

    [LoggerMessage(140, LogLevel.Warning, "No chat platform is configured: serving the web page, health, metrics and admin endpoints only")]
    public static partial void NoPlatform(ILogger logger);

    [LoggerMessage(141, LogLevel.Information, "Knowledge {Version} serving {Sections} sections; platforms: {Platforms}")]
    public static partial void Serving(ILogger logger, string version, int sections, string platforms);

    [LoggerMessage(142, LogLevel.Information, "Ask Advisor in a browser: {Url}")]
    public static partial void WebPage(ILogger logger, string url);
}
