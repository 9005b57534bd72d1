using System.Text.Json;

namespace Advisor.Slack;

/// <summary>The event_callback wrapper around one event (the same over HTTP and Socket Mode).</summary>
public sealed record SlackEventEnvelope(string? EventId, string? TeamId, int RetryAttempt, string? RetryReason, JsonElement Event)
{
    /// <summary>The inner event's type ("" when it has none that is a string).</summary>
    public string EventType => Str(Event, "type") ?? "";

    /// <summary>When the adapter took the event on (set by the dispatcher): a turn's latency is measured from here.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// The hold on the question this event asks, begun at intake by the dispatcher (so another replica answers it should
    /// this one die while it waits in the queue); null when none was begun there.
    /// </summary>
    public Advisor.Core.Coordination.InFlightClaim? InFlight { get; init; }

    /// <summary>
    /// Reads an event_callback body; null when it is not one, or when its event is not an object with a string type
    /// (see <see cref="IsMalformedCallback"/>).
    /// </summary>
    public static SlackEventEnvelope? Parse(JsonElement payload, int retryAttempt = 0, string? retryReason = null)
    {
        if (Str(payload, "type") != "event_callback"
            || !payload.TryGetProperty("event", out var ev) || Str(ev, "type") is null)
        {
            return null;
        }

        // The event outlives the parsed frame or request body, so it is cloned out of it.
        // An empty event_id is no id: the event is then deduped by its message key alone, like one without the field.
        var eventId = Str(payload, "event_id") is { Length: > 0 } id ? id : null;
        return new SlackEventEnvelope(eventId, Str(payload, "team_id"), Math.Max(0, retryAttempt), retryReason, ev.Clone());
    }

    /// <summary>
    /// True for a body Slack would never send: not an object, a <c>type</c> that is missing or not a string, or an
    /// event_callback whose event is not an object with a string type.
    /// </summary>
    public static bool IsMalformedCallback(JsonElement payload) =>
        Str(payload, "type") is not { } type
        || (type == "event_callback" && (!payload.TryGetProperty("event", out var ev) || Str(ev, "type") is null));

    /// <summary>A string property of an object; null when the element is not an object or the property is not a string.</summary>
    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>A message-shaped event (app_mention or message.*).</summary>
public abstract record SlackMessageEvent(
    string Channel,
    string? ChannelType,
    string? User,
    string? BotId,
    string? Subtype,
    string Text,
    string Ts,
    string? ThreadTs,
    string? Team)
{
    /// <summary>
    /// True for a message a person wrote: no subtype, or "file_share" (a message with a file) or "thread_broadcast"
    /// (a thread reply also sent to the channel), which carry the author in <c>user</c>. False for edits, deletions,
    /// joins and every other subtype, and for bots' posts.
    /// </summary>
    public bool IsFromAPerson => Subtype is (null or "file_share" or "thread_broadcast") && BotId is null && User is not null;

    internal static (string Channel, string? ChannelType, string? User, string? BotId, string? Subtype, string Text, string Ts, string? ThreadTs, string? Team)? Read(JsonElement e)
    {
        var channel = SlackEventEnvelope.Str(e, "channel");
        var ts = SlackEventEnvelope.Str(e, "ts");
        if (channel is null || ts is null)
        {
            return null;
        }

        return (channel, SlackEventEnvelope.Str(e, "channel_type"), SlackEventEnvelope.Str(e, "user"), SlackEventEnvelope.Str(e, "bot_id"),
            SlackEventEnvelope.Str(e, "subtype"), SlackEventEnvelope.Str(e, "text") ?? "", ts, SlackEventEnvelope.Str(e, "thread_ts"), SlackEventEnvelope.Str(e, "team"));
    }
}

/// <summary>The app_mention event.</summary>
public sealed record AppMention(string Channel, string? ChannelType, string? User, string? BotId, string? Subtype, string Text, string Ts, string? ThreadTs, string? Team)
    : SlackMessageEvent(Channel, ChannelType, User, BotId, Subtype, Text, Ts, ThreadTs, Team)
{
    public static AppMention? From(JsonElement e) =>
        Read(e) is { } r ? new AppMention(r.Channel, r.ChannelType, r.User, r.BotId, r.Subtype, r.Text, r.Ts, r.ThreadTs, r.Team) : null;
}

/// <summary>The message event (message.channels, message.groups, message.im, message.mpim).</summary>
public sealed record MessageEvent(string Channel, string? ChannelType, string? User, string? BotId, string? Subtype, string Text, string Ts, string? ThreadTs, string? Team)
    : SlackMessageEvent(Channel, ChannelType, User, BotId, Subtype, Text, Ts, ThreadTs, Team)
{
    public static MessageEvent? From(JsonElement e) =>
        Read(e) is { } r ? new MessageEvent(r.Channel, r.ChannelType, r.User, r.BotId, r.Subtype, r.Text, r.Ts, r.ThreadTs, r.Team) : null;
}

/// <summary>Handles one event type (the seam SlackNet calls IEventHandler&lt;T&gt;).</summary>
public interface ISlackEventHandler<in TEvent>
{
    Task HandleAsync(TEvent slackEvent, SlackEventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>A slash command invocation (HTTP form fields or the Socket Mode payload).</summary>
public sealed record SlashCommand(string Command, string Text, string UserId, string ChannelId, string? TeamId, string? ResponseUrl)
{
    /// <summary>The trigger_id that opens a modal (valid 3 s, once), or null.</summary>
    public string? TriggerId { get; init; }

    public static SlashCommand From(Func<string, string?> field) => new(
        field("command") ?? "",
        field("text") ?? "",
        field("user_id") ?? "",
        field("channel_id") ?? "",
        field("team_id"),
        field("response_url"))
    {
        TriggerId = field("trigger_id"),
    };
}

/// <summary>
/// Handles slash commands (the seam SlackNet calls ISlashCommandHandler). Returns the immediate acknowledgement
/// (null for an empty one) within Slack's 3-second deadline; slow work is queued and answered through response_url.
/// </summary>
public interface ISlashCommandHandler
{
    System.Text.Json.Nodes.JsonObject? Handle(SlashCommand command);
}
