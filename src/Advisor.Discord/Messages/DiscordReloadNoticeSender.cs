using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Outbound;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Messages;

/// <summary>
/// Posts a reload notice into a Discord conversation: a message in the thread or direct message it is. A conversation
/// in an ordinary channel is each asker's own, with no thread to post in, and is told nothing.
/// </summary>
internal sealed class DiscordReloadNoticeSender(DiscordDelivery delivery) : IReloadNoticeSender
{
    public string Platform => DiscordPlatform.PlatformName;

    public async Task<PostResult> SendAsync(ReloadNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var parts = notice.ConversationKey.Split(':');
        if (parts.Length != 2 || parts[0] != DiscordPlatform.PlatformName || parts[1].Length == 0 || !parts[1].All(char.IsAsciiDigit))
        {
            return PostResult.Nowhere(parts.Length == 3 && parts[0] == DiscordPlatform.PlatformName
                ? "a conversation in an ordinary channel (each asker's own) has no thread to post in"
                : "not a Discord conversation key");
        }

        var channel = parts[1];
        var sent = await delivery.PostAsync(channel, Render(notice), $"a reload notice in channel {channel}", cancellationToken).ConfigureAwait(false);
        return sent.Delivered ? PostResult.Sent : PostResult.Failed("Discord did not take the message (the reason is logged just before)");
    }

    /// <summary>The notice as message content (the updated sections' labels on a small line), mentions neutralized, with its nonce.</summary>
    internal static DiscordMessagePayload Render(ReloadNotice notice)
    {
        var text = new StringBuilder(notice.Text);
        if (notice.UpdatedSections.Count > 0)
        {
            text.Append("\n-# Updated: ").AppendJoin("; ", notice.UpdatedSections);
        }

        var content = DiscordFormatter.Truncate(MentionGuard.Neutralize(text.ToString()), DiscordFormatter.ContentLimit);
        return new DiscordMessagePayload { Content = content }.WithNonce(notice.Id);
    }
}
