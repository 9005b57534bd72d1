namespace Advisor.Slack;

/// <summary>The keys the adapter gives the core: per-message dedupe, work queue lanes, conversations.</summary>
internal static class SlackKeys
{
    /// <summary>A channel, for the work queue's lanes: "slack:{team}:{channel}".</summary>
    public static string Channel(string? teamId, string channel) => $"slack:{teamId ?? "-"}:{channel}";

    /// <summary>A message, for dedupe: the app_mention and message events of one message share it, and so do Slack's redeliveries.</summary>
    public static string Message(SlackMessageEvent e) => $"{e.Channel}:{e.Ts}";

    /// <summary>The id of the reply (its part, from 1) to the message with this ts, carried in the reply's metadata.</summary>
    public static string Reply(string questionTs, int part) => $"{questionTs}/{part}";

    /// <summary>A thread, or the whole direct-message channel outside threads.</summary>
    public static string Conversation(SlackMessageEvent e, SlackEventEnvelope envelope)
    {
        var team = e.Team ?? envelope.TeamId ?? "-";
        return e.ThreadTs is null && e.ChannelType == "im"
            ? $"slack:{team}:{e.Channel}"
            : $"slack:{team}:{e.Channel}:{e.ThreadTs ?? e.Ts}";
    }

    /// <summary>
    /// The conversation of <c>/ask</c>: in a direct message, the direct-message conversation (the same as messages
    /// there outside threads); in a channel, the channel's <c>/ask</c> conversation, of which each asker has their own
    /// (<see cref="CommandConversationIsPerUser"/>: the pipeline adds the asker's hash) — a slash command is never in a
    /// thread and its answer (through response_url) starts none, so "/ask and their education?" continues the user's
    /// previous /ask there, and nobody else's questions in the channel change its subject.
    /// </summary>
    public static string CommandConversation(SlashCommand command)
    {
        var team = command.TeamId ?? "-";
        return IsDirectMessage(command.ChannelId)
            ? $"slack:{team}:{command.ChannelId}"
            : $"slack:{team}:{command.ChannelId}:ask";
    }

    /// <summary>True when each asker has their own <c>/ask</c> conversation (in a channel; not in a direct message).</summary>
    public static bool CommandConversationIsPerUser(SlashCommand command) => !IsDirectMessage(command.ChannelId);

    /// <summary>Direct-message channel ids start with D.</summary>
    public static bool IsDirectMessage(string channelId) => channelId.StartsWith('D');
}
