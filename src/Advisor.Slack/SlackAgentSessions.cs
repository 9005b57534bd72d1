using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// The answers being composed per thread, so that <c>agent_session_stopped</c> (the user pressed Stop in an agent
/// session) can be honoured: the answer's work is cancelled, the session is set active again, and the thread is told
/// "Stopped." (BRIEF-2 S1: leaving <c>processing</c> is not automatic). Also the roles of each thread's last answer
/// (a bounded in-memory map, <see cref="MaxTopics"/> threads), so that a session is renamed when its topic changes.
/// </summary>
public sealed partial class SlackAgentSessions(SlackApiClient api, SlackStatusSupport statusSupport, ILogger<SlackAgentSessions> logger)
{
    /// <summary>What the thread is told when the user stopped an answer.</summary>
    public const string StoppedText = "Stopped. Ask again whenever you like.";

    /// <summary>The most threads whose last roles are remembered; past it an arbitrary one is forgotten (its next answer counts as its first).</summary>
    public const int MaxTopics = 2000;

    private readonly ConcurrentDictionary<(string Channel, string ThreadTs), Lease> _running = new();
    private readonly ConcurrentDictionary<(string Channel, string ThreadTs), IReadOnlyList<string>> _topics = new();

    /// <summary>
    /// Records the roles of an answer delivered in a thread; true when the thread's previous answer was about other
    /// roles (the topic changed). An answer about no role (small talk, off-topic) changes nothing.
    /// </summary>
    public bool TopicChanged(string channel, string threadTs, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Count == 0)
        {
            return false;
        }

        var key = (channel, threadTs);
        var changed = false;
        _topics.AddOrUpdate(key, _ => roles, (_, previous) =>
        {
            changed = !SlackAgentTitles.SameRoles(previous, roles);
            return roles;
        });
        if (_topics.Count > MaxTopics)
        {
            foreach (var old in _topics.Keys)
            {
                if (old != key && _topics.TryRemove(old, out _))
                {
                    break;
                }
            }
        }

        return changed;
    }

    /// <summary>Renames the thread's session to <paramref name="title"/> (best effort, logged).</summary>
    public async Task RenameAsync(string channel, string threadTs, string title, CancellationToken cancellationToken)
    {
        var error = await api.TryRenameAgentSessionAsync(channel, threadTs, title, cancellationToken).ConfigureAwait(false);
        Log.Renamed(logger, channel, threadTs, error ?? "ok");
    }

    /// <summary>Registers an answer being composed in a thread; its token is cancelled when the user stops the session.</summary>
    public Lease Begin(string channel, string threadTs, CancellationToken cancellationToken)
    {
        var lease = new Lease(this, (channel, threadTs), CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        _running[(channel, threadTs)] = lease;
        return lease;
    }

    /// <summary>
    /// Handles agent_session_stopped: cancels the thread's answer if one is being composed here (the answer's handler
    /// then says so: <see cref="SayStoppedAsync"/>), and sets the session active again. Streams the event lists that no
    /// answer here is writing (one begun before a restart, say) are stopped, so none is left spinning.
    /// </summary>
    public async Task StopAsync(SlackEventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var channel = SlackEventEnvelope.Str(envelope.Event, "channel");
        var threadTs = SlackEventEnvelope.Str(envelope.Event, "thread_ts");
        if (channel is null || threadTs is null)
        {
            return;
        }

        var stopped = _running.TryGetValue((channel, threadTs), out var lease) && lease.Stop();
        Log.Stopped(logger, channel, threadTs, stopped);
        if (!stopped && envelope.Event.TryGetProperty("streaming_message_ts", out var streams) && streams.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var ts in streams.EnumerateArray().Where(t => t.ValueKind == System.Text.Json.JsonValueKind.String).Select(t => t.GetString()!))
            {
                try
                {
                    await api.StopStreamAsync(channel, ts, null, null, null, cancellationToken).ConfigureAwait(false);
                }
                catch (SlackApiException ex)
                {
                    Log.OrphanStreamNotStopped(logger, channel, ts, ex.Error);
                }
            }
        }

        if (!statusSupport.AgentRefused)
        {
            await api.TrySetAgentSessionStatusAsync(channel, threadTs, "active", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the thread its answer was stopped (one attempt: a lost notice is no loss).</summary>
    public async Task SayStoppedAsync(string channel, string threadTs, CancellationToken cancellationToken)
    {
        try
        {
            await api.PostMessageAsync(new SlackMessage(StoppedText, [SlackRenderer.Section(StoppedText)]), channel, threadTs, mark: null, cancellationToken, attempts: 1)
                .ConfigureAwait(false);
        }
        catch (SlackApiException ex)
        {
            Log.StopNoticeFailed(logger, channel, threadTs, ex.Error);
        }
    }

    /// <summary>One answer being composed in a thread.</summary>
    public sealed class Lease(SlackAgentSessions owner, (string, string) key, CancellationTokenSource source) : IDisposable
    {
        private int _stopped;

        /// <summary>Cancelled when the host stops or the user stops the session.</summary>
        public CancellationToken Token => source.Token;

        /// <summary>True when the user stopped the session.</summary>
        public bool Stopped => Volatile.Read(ref _stopped) == 1;

        internal bool Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                return false;
            }

            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                return false; // finished meanwhile
            }

            return true;
        }

        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<(string, string), Lease>(key, this));
            source.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1332, LogLevel.Debug, "Slack agent session {Channel}/{ThreadTs} renamed on a topic change: {Result}")]
        public static partial void Renamed(ILogger logger, string channel, string threadTs, string result);

        [LoggerMessage(1333, LogLevel.Warning, "Slack agent session {Channel}: the stream {Ts} the user stopped could not be ended: {Error}")]
        public static partial void OrphanStreamNotStopped(ILogger logger, string channel, string ts, string error);

        [LoggerMessage(1334, LogLevel.Warning, "Slack agent session {Channel}/{ThreadTs}: the stop notice was not posted: {Error}")]
        public static partial void StopNoticeFailed(ILogger logger, string channel, string threadTs, string error);

        [LoggerMessage(1331, LogLevel.Information, "Slack agent session {Channel}/{ThreadTs} stopped by the user (an answer was being composed: {Cancelled})")]
        public static partial void Stopped(ILogger logger, string channel, string threadTs, bool cancelled);
    }
}
