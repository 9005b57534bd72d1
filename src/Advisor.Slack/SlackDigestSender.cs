using Advisor.Core.Insights;
using Advisor.Core.Outbound;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Posts the weekly digest into a Slack channel (chat.postMessage with Block Kit). The post carries the digest's id in
/// its metadata, so an attempt with an unknown outcome is checked in the channel before it is sent again.
/// </summary>
internal sealed partial class SlackDigestSender(SlackApiClient api, SlackBotIdentityProvider identity, TimeProvider time, ILogger<SlackDigestSender> logger) : IDigestSender
{
    public string Platform => SlackPlatform.PlatformName;

    public async Task<PostResult> PostAsync(string channelId, WeeklyDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var mark = new SlackReplyMark("digest:" + digest.Id, SlackTs.Of(time.GetUtcNow() - TimeSpan.FromMinutes(10)), identity.Known?.BotId);
        try
        {
            await api.PostMessageAsync(SlackDigestRenderer.Render(digest), channelId, null, mark, cancellationToken).ConfigureAwait(false);
            return PostResult.Sent;
        }
        catch (SlackApiException ex)
        {
            Log.NotPosted(logger, channelId, ex.Error);
            return PostResult.Failed($"Slack {ex.Method}: {ex.Error}");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Warning, "Slack: the weekly digest was not posted to channel {Channel}: {Error}")]
        public static partial void NotPosted(ILogger logger, string channel, string error);
    }
}
