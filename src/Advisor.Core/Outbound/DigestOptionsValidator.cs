using Microsoft.Extensions.Options;

namespace Advisor.Core.Outbound;

/// <summary>The checks of <see cref="DigestOptions"/>; each failure names the setting (written out: the generated range check drops a custom message).</summary>
internal sealed class DigestOptionsValidator : IValidateOptions<DigestOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string S = DigestOptions.SectionName;
        var failures = new List<string>();
        if (options.Hour is < 0 or > 23)
        {
            failures.Add($"{S}:Hour must be between 0 and 23 (UTC; it is {options.Hour})");
        }

        if (options.TopGaps is < 1 or > 20)
        {
            failures.Add($"{S}:TopGaps must be between 1 and 20 (it is {options.TopGaps})");
        }

        if (options.CatchUpHours is < 1 or > 167)
        {
            failures.Add($"{S}:CatchUpHours must be between 1 and 167 (it is {options.CatchUpHours})");
        }

        if (!string.IsNullOrWhiteSpace(options.WebUrl)
            && !(Uri.TryCreate(options.WebUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Query.Length == 0 && url.Fragment.Length == 0))
        {
            failures.Add($"{S}:WebUrl must be the web app's base URL, e.g. https://advisor.example.com (it is '{options.WebUrl}')");
        }

        foreach (var (platform, channel) in options.Channels)
        {
            if (string.IsNullOrWhiteSpace(channel))
            {
                failures.Add($"{S}:Channels:{platform} is blank: give the channel id, or remove the entry");
            }
            else if (channel.Trim().Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add($"{S}:Channels:{platform} must be a channel id (no spaces), e.g. C0123ABCD on Slack");
            }
        }

        if (options.Enabled && options.Targets.Count == 0)
        {
            failures.Add($"{S}:Enabled is true but no channel is set: set {S}:Channels:<platform> to the admin channel's id (e.g. {S}:Channels:slack)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
