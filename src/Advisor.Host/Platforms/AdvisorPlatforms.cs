using Advisor.Core.Hosting;
using Advisor.Discord;
using Advisor.Slack;

namespace Advisor.Host.Platforms;

/// <summary>The chat platforms this worker ships with. A new one (Teams, Matrix) is one more line here.</summary>
internal static class AdvisorPlatforms
{
    public static IReadOnlyList<IChatPlatform> Shipped { get; } = [new SlackPlatform(), new DiscordPlatform()];
}
