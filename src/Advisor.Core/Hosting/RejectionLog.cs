using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Advisor.Core.Hosting;

/// <summary>
/// Logs rejected requests (bad signature, missing token, body too large, rate limited) without letting a flood of them
/// flood the log: the first rejection of each kind per endpoint in a minute is a Warning; the rest are counted and
/// summed up in one line when the next minute's first one comes (or at <see cref="Flush"/>).
/// </summary>
public sealed partial class RejectionLog(ILogger<RejectionLog> logger, TimeProvider time)
{
    /// <summary>How long one Warning stands for every rejection of its kind.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Endpoint, string Reason), Tally> _tallies = new();

    /// <summary>Records a rejected request; logs it when it is the first of its kind in the window.</summary>
    public void Rejected(string endpoint, string reason)
    {
        var now = time.GetUtcNow();
        var tally = _tallies.GetOrAdd((endpoint, reason), _ => new Tally());
        long suppressed;
        lock (tally)
        {
            if (tally.WindowStart is { } start && now - start < Window)
            {
                tally.Suppressed++;
                return;
            }

            suppressed = tally.Suppressed;
            tally.WindowStart = now;
            tally.Suppressed = 0;
        }

        if (suppressed > 0)
        {
            Log.Summary(logger, suppressed, endpoint, reason);
        }

        Log.Rejected(logger, endpoint, reason);
    }

    /// <summary>Logs the counts not yet logged (at shutdown).</summary>
    public void Flush()
    {
        foreach (var ((endpoint, reason), tally) in _tallies)
        {
            long suppressed;
            lock (tally)
            {
                suppressed = tally.Suppressed;
                tally.Suppressed = 0;
            }

            if (suppressed > 0)
            {
                Log.Summary(logger, suppressed, endpoint, reason);
            }
        }
    }

    private sealed class Tally
    {
        public DateTimeOffset? WindowStart { get; set; }

        public long Suppressed { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Rejected a request to {Endpoint}: {Reason} (more of these within a minute are counted, not logged)")]
        public static partial void Rejected(ILogger logger, string endpoint, string reason);

        [LoggerMessage(61, LogLevel.Warning, "Rejected {Count} more requests to {Endpoint} ({Reason}) in the last minute")]
        public static partial void Summary(ILogger logger, long count, string endpoint, string reason);
    }
}
