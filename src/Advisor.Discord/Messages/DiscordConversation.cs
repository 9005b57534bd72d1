namespace Advisor.Discord.Messages;

/// <summary>
/// The conversation-memory key of a Discord exchange, the same for mentions and slash commands: a thread or a DM is
/// one conversation everyone in it shares; in an ordinary channel each user has their own.
/// </summary>
internal static class DiscordConversation
{
    /// <summary>Channel types 10 (announcement thread), 11 (public thread) and 12 (private thread).</summary>
    public static bool IsThread(int? channelType) => channelType is 10 or 11 or 12;

    /// <param name="shared">True in a thread or a DM (the channel is the conversation).</param>
    public static string Key(string channelId, string userId, bool shared) =>
        shared ? ChannelKey(channelId) : $"{ChannelKey(channelId)}:{userId}";

    /// <summary>The key of a thread or DM, which also tells whether the bot takes part there.</summary>
    public static string ChannelKey(string channelId) => "discord:" + channelId;
}
