namespace Advisor.Slack;

/// <summary>The keys the adapter gives the core: per-user rate limits and conversations.</summary>
internal static class SlackKeys
{
    /// <summary>A person, for the per-user rate limit: "slack:{team}:{user}".</summary>
    public static string User(string? teamId, string? userId) => $"slack:{teamId ?? "-"}:{userId}";

    /// <summary>A channel, for the work queue's lanes: "slack:{team}:{channel}".</summary>
    public static string Channel(string? teamId, string channel) => $"slack:{teamId ?? "-"}:{channel}";

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
}
