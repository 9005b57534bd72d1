using Advisor.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Routes event_callback bodies to the handler of their event type, after dropping repeats of an event_id
/// (Slack's retries, and the same event on several Socket Mode connections). Called after the ack: it only queues.
/// </summary>
public sealed partial class SlackEventDispatcher(
    IEnumerable<ISlackEventHandler<AppMention>> mentionHandlers,
    IEnumerable<ISlackEventHandler<MessageEvent>> messageHandlers,
    SlackWorkQueue queue,
    TimeProvider time,
    ILogger<SlackEventDispatcher> logger)
{
    private readonly RecentKeys _eventIds = new(time, TimeSpan.FromHours(2));
    private readonly ISlackEventHandler<AppMention>[] _mentionHandlers = [.. mentionHandlers];
    private readonly ISlackEventHandler<MessageEvent>[] _messageHandlers = [.. messageHandlers];

    /// <summary>Queues the event for its handlers; repeats and event types without a handler are dropped (and logged at Debug).</summary>
    public void Dispatch(SlackEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.EventId is { } id && !_eventIds.TryClaim(id))
        {
            Log.Repeat(logger, id, envelope.RetryAttempt, envelope.RetryReason ?? "");
            return;
        }

        switch (envelope.EventType)
        {
            case "app_mention" when AppMention.From(envelope.Event) is { } mention:
                Queue(_mentionHandlers, mention, envelope);
                break;
            case "message" when MessageEvent.From(envelope.Event) is { } message:
                Queue(_messageHandlers, message, envelope);
                break;
            default:
                Log.Unhandled(logger, envelope.EventType);
                break;
        }
    }

    private void Queue<T>(ISlackEventHandler<T>[] handlers, T slackEvent, SlackEventEnvelope envelope)
    {
        if (handlers.Length == 0)
        {
            Log.Unhandled(logger, envelope.EventType);
            return;
        }

        foreach (var handler in handlers)
        {
            queue.Enqueue(typeof(T).Name, ct => handler.HandleAsync(slackEvent, envelope, ct));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Debug, "Slack event {EventId} already seen (retry {RetryAttempt} {RetryReason}); ignored")]
        public static partial void Repeat(ILogger logger, string eventId, int retryAttempt, string retryReason);

        [LoggerMessage(1202, LogLevel.Debug, "Slack event type {EventType} has no handler; ignored")]
        public static partial void Unhandled(ILogger logger, string eventType);
    }
}
