using Advisor.Core.Insights;

namespace Advisor.Core.Outbound;

/// <summary>
/// One platform's way to post the weekly digest into a channel: the adapter draws the core's
/// <see cref="WeeklyDigest"/> in its own format (Block Kit, an embed) and posts it under its delivery policy.
/// </summary>
public interface IDigestSender
{
    /// <summary>The platform's name ("slack", "discord"): the key of <see cref="DigestOptions.Channels"/>.</summary>
    string Platform { get; }

    /// <summary>Posts <paramref name="digest"/> into <paramref name="channelId"/>; never throws for a platform failure, it says so.</summary>
    Task<PostResult> PostAsync(string channelId, WeeklyDigest digest, CancellationToken cancellationToken);
}
