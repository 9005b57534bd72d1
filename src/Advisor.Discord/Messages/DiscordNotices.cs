namespace Advisor.Discord.Messages;

/// <summary>The Discord-only short replies (busy and the apology are the core's, <see cref="Core.Turns.TurnNotice"/>).</summary>
internal static class DiscordNotices
{
    /// <summary>An interaction of a kind or command the bot does not have.</summary>
    public const string Unsupported = "This command is not supported by this bot (anymore).";
}
