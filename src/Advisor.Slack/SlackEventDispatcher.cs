using System.Collections.Concurrent;
using Advisor.Core;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Takes event_callback bodies on (called before the acknowledgement, so it never waits): drops repeats of an
/// event_id (Slack's retries, and the same event on several Socket Mode connections), holds the
/// <see cref="QuestionGate"/> for each piece of work and queues it under its channel for the handlers of its event type.
/// Once shutdown began it takes nothing new: the transport then leaves the event for Slack to deliver again. When the
/// queue is full a question to the bot is not taken on either — Slack delivers it again in a while (503 with
/// Retry-After over HTTP, no acknowledgement over Socket Mode) — and the channel hears once a minute that the bot is
/// busy: everything acknowledged is answered. Repeats are told apart by <see cref="IEventDedupe"/>: at intake in this
/// replica's memory, and — with several replicas — across them when the queued work starts (Slack hands each event to
/// one of up to ten Socket Mode connections, and a retry may reach another replica).
/// </summary>
public sealed partial class SlackEventDispatcher(
    IEnumerable<ISlackEventHandler<AppMention>> mentionHandlers,
    IEnumerable<ISlackEventHandler<MessageEvent>> messageHandlers,
    [FromKeyedServices(SlackPlatform.PlatformName)] PlatformWorkQueue queue,
    QuestionGate gate,
    SlackBusyNotices busy,
    SlackBotIdentityProvider identity,
    SlackAgentHome home,
    SlackAgentSessions sessions,
    TurnPipeline pipeline,
    IEventDedupe dedupe,
    AdvisorMetrics metrics,
    RejectionLog rejections,
    TimeProvider time,
    ILogger<SlackEventDispatcher> logger)
{
    /// <summary>Slack event ids, remembered two hours (Slack retries within minutes; a replay after a reconnect is sooner).</summary>
    public static readonly DedupeScope EventIds = new("slack-event", TimeSpan.FromHours(2));

    private const int MaxRefusedIds = 100_000;
    private readonly ConcurrentDictionary<string, byte> _refusedIds = new(StringComparer.Ordinal);
    private readonly ISlackEventHandler<AppMention>[] _mentionHandlers = [.. mentionHandlers];
    private readonly ISlackEventHandler<MessageEvent>[] _messageHandlers = [.. messageHandlers];

    /// <summary>
    /// Takes the event on: true when it may be acknowledged (queued, a repeat, or of no interest); false when it must
    /// not be — shutdown has begun, or the work queue is full — and an HTTP delivery then gets 503, a Socket Mode
    /// envelope is left unacknowledged, and Slack delivers it again (later, to this process or another one).
    /// </summary>
    public bool Dispatch(SlackEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var accepted = gate.TryAccept();
        if (accepted is null)
        {
            return RefuseWhileStopping(envelope);
        }

        if (envelope.EventId is { } id && !dedupe.TryClaim(EventIds, id))
        {
            Log.Repeat(logger, id, envelope.RetryAttempt, envelope.RetryReason ?? "");
            return true;
        }

        envelope = envelope with { ReceivedAt = time.GetUtcNow() };
        var taken = envelope.EventType switch
        {
            "app_mention" when AppMention.From(envelope.Event) is { } mention => Queue(_mentionHandlers, mention, envelope),
            "message" when MessageEvent.From(envelope.Event) is { } message => Queue(_messageHandlers, message, envelope),
            "app_home_opened" => Beside(Claimed(envelope.EventId, ct => home.HandleAsync(envelope, ct))),
            "agent_session_stopped" => Beside(Claimed(envelope.EventId, ct => sessions.StopAsync(envelope, ct))),
            _ => Unhandled(envelope),
        };
        if (!taken && envelope.EventId is { } refusedId)
        {
            dedupe.Release(EventIds, refusedId); // its redelivery is a new chance, not a repeat
        }

        return taken;
    }

    /// <summary>Cosmetic work beside the queue (a welcome); acknowledged even when it cannot run.</summary>
    private bool Beside(Func<CancellationToken, Task> work)
    {
        var hold = gate.Hold();
        if (!queue.TryNotice(hold, async ct =>
            {
                try
                {
                    await work(ct).ConfigureAwait(false);
                }
                catch (SlackApiException)
                {
                    // cosmetic; logged by the client
                }
            }))
        {
            rejections.Rejected("slack events", "too many notices at once: a welcome is dropped");
        }

        return true;
    }

    /// <summary>
    /// The work, run only when no other replica took the event on (a second look across replicas, off the intake path;
    /// in one process it always runs). Each handler of an event claims its own key, so each runs once.
    /// </summary>
    private Func<CancellationToken, Task> Claimed(string? claim, Func<CancellationToken, Task> work) => claim is null
        ? work
        : async ct =>
        {
            if (!await dedupe.TryClaimAcrossReplicasAsync(EventIds, claim, ct).ConfigureAwait(false))
            {
                Log.RepeatElsewhere(logger, claim);
                return;
            }

            await work(ct).ConfigureAwait(false);
        };

    /// <summary>
    /// The work of an event whose question was claimed at intake: the claim decides across replicas (it is the question's,
    /// whichever of its events or deliveries reaches which replica), so the work runs when this delivery holds it and not
    /// when another one does. A claim other replicas cannot see (one process, or the store away) falls back to the event
    /// id's claim.
    /// </summary>
    private Func<CancellationToken, Task> Held(InFlightClaim inFlight, string? claim, Func<CancellationToken, Task> work) => async ct =>
    {
        if (!await inFlight.HeldAsync().ConfigureAwait(false))
        {
            Log.RepeatElsewhere(logger, claim ?? "-");
            return;
        }

        if (!(inFlight.Shared && await inFlight.RecordedAsync().ConfigureAwait(false)) && claim is not null
            && !await dedupe.TryClaimAcrossReplicasAsync(EventIds, claim, ct).ConfigureAwait(false))
        {
            Log.RepeatElsewhere(logger, claim);
            await inFlight.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await work(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!gate.Accepting)
        {
            inFlight.Leave(); // stopping: another replica finishes it
            throw;
        }
        finally
        {
            await inFlight.CompleteAsync().ConfigureAwait(false); // the pipeline has ended it already, unless the handler never reached it
        }
    };

    private bool Unhandled(SlackEventEnvelope envelope)
    {
        Log.Unhandled(logger, envelope.EventType);
        return true;
    }

    /// <summary>
    /// While stopping: a repeat of an event this process already took on is acknowledged (it is being answered, and a
    /// new process must not answer it again); anything new is refused, and so is every repeat of what was refused.
    /// </summary>
    private bool RefuseWhileStopping(SlackEventEnvelope envelope)
    {
        if (envelope.EventId is { } id && !_refusedIds.ContainsKey(id))
        {
            if (!dedupe.TryClaim(EventIds, id))
            {
                return true;
            }

            if (_refusedIds.Count < MaxRefusedIds)
            {
                _refusedIds.TryAdd(id, 0);
            }
        }

        metrics.Refused("slack", "shutting_down");
        return false;
    }

    /// <summary>Queues the event for its handlers; false when a question to the bot did not fit (it is then not taken on).</summary>
    private bool Queue<T>(ISlackEventHandler<T>[] handlers, T slackEvent, SlackEventEnvelope envelope)
        where T : SlackMessageEvent
    {
        if (handlers.Length == 0)
        {
            Log.Unhandled(logger, envelope.EventType);
            return true;
        }

        var key = SlackKeys.Channel(slackEvent.Team ?? envelope.TeamId, slackEvent.Channel);
        var refused = false;
        for (var i = 0; i < handlers.Length; i++)
        {
            var handler = handlers[i];
            var claim = envelope.EventId is { } id ? (handlers.Length == 1 ? id : $"{id}#{i}") : null;

            // A question to the bot is held from here (recorded in the background), so that another replica answers it
            // should this one die while it waits in the queue.
            var inFlight = handler is SlackConversationHandler conversation ? conversation.TakeIn(slackEvent, envelope) : null;
            var held = envelope with { InFlight = inFlight };
            var hold = gate.Hold();
            if (!queue.TryEnqueue(key, hold, inFlight is null ? Claimed(claim, ct => handler.HandleAsync(slackEvent, held, ct)) : Held(inFlight, claim, ct => handler.HandleAsync(slackEvent, held, ct))))
            {
                hold.Dispose();
                _ = inFlight?.CompleteAsync();
                refused = true;
            }
        }

        if (!refused)
        {
            return true;
        }

        metrics.Refused("slack", "busy");
        var question = IsAQuestionToTheBot(slackEvent, envelope);
        rejections.Rejected("slack events", question
            ? "the work queue is full (not acknowledged: Slack delivers it again; the channel hears the bot is busy)"
            : "the work queue is full (a message not addressed to the bot, dropped)");
        var told = question && busy.Offer(slackEvent.Channel, slackEvent.ThreadTs ?? (slackEvent.ChannelType == "im" ? null : slackEvent.Ts));
        Log.Busy(logger, slackEvent.Channel, slackEvent.Ts, told);
        return !question;
    }

    /// <summary>
    /// Whether the asker of an event that did not fit should hear "busy": a person's mention, direct message or reply
    /// in a thread the bot follows (not channel chatter, and never the bot's own posts). Decided at once, so "follows"
    /// is the pipeline's in-memory hint (<see cref="TurnPipeline.Follows"/>), not the store.
    /// </summary>
    private bool IsAQuestionToTheBot(SlackMessageEvent e, SlackEventEnvelope envelope)
    {
        var me = identity.Known;
        if (!e.IsFromAPerson || (me is not null && e.User == me.UserId))
        {
            return false;
        }

        return e is AppMention
            || e.ChannelType == "im"
            || (me is not null && e.Text.Contains($"<@{me.UserId}", StringComparison.Ordinal))
            || (e.ThreadTs is not null && pipeline.Follows(SlackKeys.Conversation(e, envelope)));
    }

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Debug, "Slack event {EventId} already seen (retry {RetryAttempt} {RetryReason}); ignored")]
        public static partial void Repeat(ILogger logger, string eventId, int retryAttempt, string retryReason);

        [LoggerMessage(1204, LogLevel.Debug, "Slack event {EventId} taken on by another replica; ignored here")]
        public static partial void RepeatElsewhere(ILogger logger, string eventId);

        [LoggerMessage(1202, LogLevel.Debug, "Slack event type {EventType} has no handler; ignored")]
        public static partial void Unhandled(ILogger logger, string eventType);

        [LoggerMessage(1203, LogLevel.Debug, "Slack event {Channel}/{Ts} did not fit in the work queue (busy notice sent: {Told})")]
        public static partial void Busy(ILogger logger, string channel, string ts, bool told);
    }
}
