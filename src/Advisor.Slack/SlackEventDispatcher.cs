using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Routes event_callback bodies to the handler of their event type, after dropping repeats of an event_id
/// (Slack's retries, and the same event on several Socket Mode connections). Called after the ack: it only queues.
/// </summary>
public sealed partial class SlackEventDispatcher(IServiceProvider services, SlackWorkQueue queue, TimeProvider time, ILogger<SlackEventDispatcher> logger)
{
    private readonly Deduplicator _eventIds = new(time, TimeSpan.FromHours(2));

    /// <summary>Queues the event for its handler; returns false when it was a repeat or has no handler.</summary>
    public bool Dispatch(SlackEventEnvelope envelope)
    {
        if (envelope.EventId is { } id && !_eventIds.TryClaim(id))
        {
            Log.Repeat(logger, id, envelope.RetryAttempt, envelope.RetryReason ?? "");
            return false;
        }

        switch (envelope.EventType)
        {
            case "app_mention" when AppMention.From(envelope.Event) is { } mention:
                return Queue(mention, envelope);
            case "message" when MessageEvent.From(envelope.Event) is { } message:
                return Queue(message, envelope);
            default:
                Log.Unhandled(logger, envelope.EventType);
                return false;
        }
    }

    private bool Queue<T>(T slackEvent, SlackEventEnvelope envelope)
    {
        var handlers = services.GetServices<ISlackEventHandler<T>>().ToList();
        if (handlers.Count == 0)
        {
            return false;
        }

        foreach (var handler in handlers)
        {
            queue.Enqueue(typeof(T).Name, ct => handler.HandleAsync(slackEvent, envelope, ct));
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Debug, "Slack event {EventId} already seen (retry {RetryAttempt} {RetryReason}); ignored")]
        public static partial void Repeat(ILogger logger, string eventId, int retryAttempt, string retryReason);

        [LoggerMessage(1202, LogLevel.Debug, "Slack event type {EventType} has no handler; ignored")]
        public static partial void Unhandled(ILogger logger, string eventType);
    }
}
