namespace Advisor.Discord.Messages;

/// <summary>
/// The conversation of a Discord exchange, the same for mentions and slash commands: a thread or a DM is one
/// conversation everyone in it shares; in an ordinary channel each user has their own — the channel's key, which the
/// turn pipeline scopes by the asker's hash (<c>IncomingMessage.PerUser</c>), so no user id is kept.
/// </summary>
internal static class DiscordConversation
{
    /// <summary>Channel types 10 (announcement thread), 11 (public thread) and 12 (private thread).</summary>
    public static bool IsThread(int? channelType) => channelType is 10 or 11 or 12;

    /// <summary>
    /// The key of a channel's conversation: a thread's or a DM's (shared, and what tells whether the bot takes part
    /// there), or an ordinary channel's, which the pipeline scopes per user.
    /// </summary>
    public static string ChannelKey(string channelId) => "discord:" + channelId;
}
