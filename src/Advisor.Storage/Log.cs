using Microsoft.Extensions.Logging;

namespace Advisor.Storage;

/// <summary>The store's log messages. None carries a question, a user id or a password.</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Information, "Database {Database} migrated from schema version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string database, int from, int to);

    [LoggerMessage(301, LogLevel.Information, "Database {Database} is at schema version {Version}")]
    public static partial void UpToDate(ILogger logger, string database, int version);

    [LoggerMessage(310, LogLevel.Information, "Retention ({Days} days): removed {LogEntries} question log entries, {Turns} turns and {Conversations} idle conversations")]
    public static partial void Purged(ILogger logger, int days, int logEntries, int turns, int conversations);

    [LoggerMessage(311, LogLevel.Error, "Retention purge failed; it is tried again in a day")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
