using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Tells someone whose question did not fit in the work queue that the bot is busy, without the notices becoming a
/// flood of their own: at most one per channel a minute, at most four being posted at once (any more are skipped),
/// each posted directly (not through the full queue) in one attempt. Each notice holds the
/// <see cref="QuestionGate"/> until it is posted, like any reply.
/// </summary>
public sealed partial class SlackBusyNotices(SlackApiClient api, QuestionGate gate, TimeProvider time, ILogger<SlackBusyNotices> logger)
{
    /// <summary>One notice per channel in this time.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const int MaxInFlight = 4;
    private const int MaxChannelsRemembered = 10_000;
    private static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, DateTimeOffset> _lastNotice = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _inFlight;

    /// <summary>Posts the busy notice in the channel (thread) unless one was posted there within <see cref="Interval"/>; true when it is posted.</summary>
    public bool Offer(string channel, string? threadTs)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_lastNotice.TryGetValue(channel, out var last) && now - last < Interval)
            {
                return false;
            }

            if (_inFlight >= MaxInFlight)
            {
                return false;
            }

            if (_lastNotice.Count >= MaxChannelsRemembered)
            {
                foreach (var old in _lastNotice.Where(kv => now - kv.Value >= Interval).Select(kv => kv.Key).ToList())
                {
                    _lastNotice.Remove(old);
                }

                if (_lastNotice.Count >= MaxChannelsRemembered)
                {
                    return false;
                }
            }

            _lastNotice[channel] = now;
            _inFlight++;
        }

        _ = PostAsync(channel, threadTs, gate.Hold());
        return true;
    }

    private async Task PostAsync(string channel, string? threadTs, IDisposable hold)
    {
        using var timeout = new CancellationTokenSource(PostTimeout, time);
        try
        {
            await Task.Yield(); // never on the intake's thread
            await api.PostMessageAsync(SlackRenderer.Notice(TurnNotice.BusyText)[0], channel, threadTs, mark: null, timeout.Token, attempts: 1)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException or OperationCanceledException)
        {
            Log.NotPosted(logger, channel, ex.Message);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight--;
            }

            hold.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1801, LogLevel.Debug, "Slack busy notice in {Channel} not posted: {Reason}")]
        public static partial void NotPosted(ILogger logger, string channel, string reason);
    }
}
