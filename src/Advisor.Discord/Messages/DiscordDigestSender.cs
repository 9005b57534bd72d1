using Advisor.Core.Insights;
using Advisor.Core.Outbound;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Messages;

/// <summary>
/// Posts the weekly digest into a Discord channel (Create Message with one embed, allowed_mentions empty), under the
/// delivery policy: the nonce is enforced, so an attempt with an unknown outcome is sent again without doubling.
/// </summary>
internal sealed class DiscordDigestSender(DiscordDelivery delivery) : IDigestSender
{
    public string Platform => DiscordPlatform.PlatformName;

    public async Task<PostResult> PostAsync(string channelId, WeeklyDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var sent = await delivery.PostAsync(channelId, DiscordDigestRenderer.Render(digest), $"the weekly digest {digest.Id} in channel {channelId}", cancellationToken)
            .ConfigureAwait(false);
        return sent.Delivered ? PostResult.Sent : PostResult.Failed("Discord did not take the message (the reason is logged just before)");
    }
}
