namespace Advisor.Discord.Messages;

/// <summary>The short replies the adapter gives instead of an answer.</summary>
internal static class DiscordNotices
{
    /// <summary>The queue (in all, or the channel's share) is full.</summary>
    public const string Busy = "I'm answering a lot of questions right now and can't take this one. Please ask again in a minute.";

    /// <summary>Answering failed inside the bot.</summary>
    public const string Failed = "Sorry, I could not answer that just now. Please try again in a moment.";

    /// <summary>An interaction of a kind or command the bot does not have.</summary>
    public const string Unsupported = "This command is not supported by this bot (anymore).";
}
