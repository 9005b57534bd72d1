using System.Text.Json.Nodes;
using Advisor.Core.Answers;
using Advisor.Core.Outbound;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Posts a reload notice into a Slack conversation: a reply in its thread, or a message in the direct message it is.
/// A channel's <c>/ask</c> conversation (each asker's own, answered through a response URL) has no thread to reply
/// in, and is told nothing.
/// </summary>
internal sealed partial class SlackReloadNoticeSender(SlackApiClient api, SlackBotIdentityProvider identity, TimeProvider time, ILogger<SlackReloadNoticeSender> logger) : IReloadNoticeSender
{
    public string Platform => SlackPlatform.PlatformName;

    public async Task<PostResult> SendAsync(ReloadNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!TryRead(notice.ConversationKey, out var channel, out var threadTs, out var why))
        {
            return PostResult.Nowhere(why);
        }

        var mark = new SlackReplyMark("reload:" + notice.Id, threadTs ?? SlackTs.Of(time.GetUtcNow() - TimeSpan.FromMinutes(10)), identity.Known?.BotId);
        try
        {
            await api.PostMessageAsync(Render(notice), channel, threadTs, mark, cancellationToken).ConfigureAwait(false);
            return PostResult.Sent;
        }
        catch (SlackApiException ex)
        {
            Log.NotPosted(logger, channel, threadTs ?? "-", ex.Error);
            return PostResult.Failed($"Slack {ex.Method}: {ex.Error}");
        }
    }

    /// <summary>The notice: its text, then the updated sections' labels in a context line.</summary>
    internal static SlackMessage Render(ReloadNotice notice)
    {
        var text = SlackRenderer.Escape(MentionGuard.Neutralize(notice.Text));
        var blocks = new List<JsonObject> { SlackRenderer.Section(text) };
        if (notice.UpdatedSections.Count > 0)
        {
            var labels = SlackRenderer.Escape(MentionGuard.Neutralize(string.Join("; ", notice.UpdatedSections)));
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "mrkdwn",
                    ["text"] = SlackDigestRenderer.Cut("Updated: " + labels, SlackRenderer.MaxContextElementText),
                }),
            });
        }

        return new SlackMessage(text, blocks);
    }

    /// <summary>
    /// Where a conversation key points: "slack:{team}:{channel}:{thread ts}" is a thread, "slack:{team}:{channel}" a
    /// direct message outside threads; "slack:{team}:{channel}:ask:{user hash}" (a channel's /ask) has no thread.
    /// </summary>
    internal static bool TryRead(string key, out string channel, out string? threadTs, out string why)
    {
        var parts = key.Split(':');
        channel = "";
        threadTs = null;
        why = "";
        if (parts.Length < 3 || parts[0] != SlackPlatform.PlatformName || parts[2].Length == 0)
        {
            why = "not a Slack conversation key";
            return false;
        }

        channel = parts[2];
        switch (parts.Length)
        {
            case 3:
                return true;
            case 4 when parts[3].Length > 0 && parts[3] != "ask":
                threadTs = parts[3];
                return true;
            default:
                why = parts.Length >= 4 && parts[3] == "ask"
                    ? "a channel's /ask conversation has no thread to post in"
                    : "not a Slack conversation key";
                return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1102, LogLevel.Warning, "Slack: a reload notice was not posted in channel {Channel} (thread {Thread}): {Error}")]
        public static partial void NotPosted(ILogger logger, string channel, string thread, string error);
    }
}
