namespace Advisor.Slack;

/// <summary>The keys the adapter gives the core: per-user rate limits and conversations.</summary>
internal static class SlackKeys
{
    /// <summary>A person, for the per-user rate limit: "slack:{team}:{user}".</summary>
    public static string User(string? teamId, string? userId) => $"slack:{teamId ?? "-"}:{userId}";

    /// <summary>A thread, or the whole direct-message channel outside threads.</summary>
    public static string Conversation(SlackMessageEvent e, SlackEventEnvelope envelope)
    {
        var team = e.Team ?? envelope.TeamId ?? "-";
        return e.ThreadTs is null && e.ChannelType == "im"
            ? $"slack:{team}:{e.Channel}"
            : $"slack:{team}:{e.Channel}:{e.ThreadTs ?? e.Ts}";
    }
}
