using Microsoft.Extensions.Logging;

namespace Advisor.Redis;

/// <summary>The shared state's log messages. None carries a password, a user id or a question.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Information, "Shared state on {Redis}: connected (replica {Replica})")]
    public static partial void Connected(ILogger logger, string redis, string replica);

    [LoggerMessage(501, LogLevel.Warning, "Shared state on {Redis} is unreachable ({Reason}): this replica goes on alone — dedupe and per-user limits are its own, reloads are not broadcast; retrying in the background")]
    public static partial void Unreachable(ILogger logger, string redis, string reason);

    [LoggerMessage(502, LogLevel.Information, "Shared state on {Redis} is reachable again")]
    public static partial void Restored(ILogger logger, string redis);

    [LoggerMessage(503, LogLevel.Warning, "Shared state: {Operation} failed ({Reason}); this replica decided alone")]
    public static partial void OperationFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(510, LogLevel.Information, "Knowledge {Version} announced to the other replicas (trigger on this replica)")]
    public static partial void Announced(ILogger logger, string version);

    [LoggerMessage(511, LogLevel.Information, "Replica {Replica} announced knowledge {Version}; reloading to serve the same")]
    public static partial void Replaying(ILogger logger, string replica, string version);

    [LoggerMessage(512, LogLevel.Information, "Knowledge {Version} served, as the other replicas do")]
    public static partial void InStep(ILogger logger, string version);

    [LoggerMessage(513, LogLevel.Error, "Not ready: {Reason}")]
    public static partial void OutOfStep(ILogger logger, string reason);

    [LoggerMessage(514, LogLevel.Warning, "Announcing knowledge {Version} to the other replicas failed ({Reason}); they keep what they serve until the next reload")]
    public static partial void AnnounceFailed(ILogger logger, string version, string reason);

    [LoggerMessage(515, LogLevel.Warning, "An unreadable reload announcement was ignored")]
    public static partial void BadAnnouncement(ILogger logger);

    [LoggerMessage(516, LogLevel.Error, "Reloading for another replica's announcement crashed")]
    public static partial void ReplayCrashed(ILogger logger, Exception exception);
}
