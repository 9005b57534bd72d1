using Microsoft.Extensions.Configuration;

namespace Advisor.Discord.Messages;

/// <summary>
/// Whether answers are shown while a model writes them (message edits, <c>@original</c> edits), and how often the
/// message may be edited. Resolved once from <see cref="DiscordOptions.StreamAnswers"/> (unset: on when a model is
/// configured under <c>Advisor:Model:Provider</c>) and <see cref="DiscordOptions.StreamEditIntervalMs"/>.
/// </summary>
internal sealed record StreamingSettings(bool Enabled, TimeSpan Interval)
{
    /// <summary>At most one edit per 1.2 s: under the 5 per 5 s Discord's message routes commonly report.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(1200);

    public static StreamingSettings From(DiscordOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["Advisor:Model:Provider"];
        var modelConfigured = !string.IsNullOrWhiteSpace(provider) && !string.Equals(provider.Trim(), "none", StringComparison.OrdinalIgnoreCase);
        return new StreamingSettings(options.StreamAnswers ?? modelConfigured, TimeSpan.FromMilliseconds(options.StreamEditIntervalMs));
    }
}
