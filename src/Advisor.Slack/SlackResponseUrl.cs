namespace Advisor.Slack;

/// <summary>
/// Which response_url the bot may POST an answer to. A response_url comes inside the command's (signed) payload, but
/// the bot only ever needs Slack's own host: <c>https://hooks.slack.com/…</c>, or the scheme, host and port of the
/// configured <see cref="SlackOptions.ApiBaseUrl"/> (a loopback Slack in tests, a proxy in front of Slack). Anything
/// else (another host or port, plain http, user info as in <c>http://hooks.slack.com@127.0.0.1/</c>) is refused, so
/// a forged or tampered payload cannot make the bot send answers to an internal service.
/// </summary>
public static class SlackResponseUrl
{
    /// <summary>The host Slack's response URLs are on.</summary>
    public const string SlackHost = "hooks.slack.com";

    /// <summary>True when the bot may POST to <paramref name="responseUrl"/>; the URL parsed when it may.</summary>
    public static bool IsAllowed(string? responseUrl, Uri apiBase, out Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        uri = null;
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var parsed) || parsed.UserInfo.Length > 0 || parsed.IsFile || parsed.IsUnc)
        {
            return false;
        }

        var slack = parsed.Scheme == Uri.UriSchemeHttps && parsed.IsDefaultPort
            && string.Equals(parsed.Host, SlackHost, StringComparison.OrdinalIgnoreCase);
        var configured = (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)
            && parsed.Scheme == apiBase.Scheme
            && parsed.Port == apiBase.Port
            && string.Equals(parsed.Host, apiBase.Host, StringComparison.OrdinalIgnoreCase);
        if (!slack && !configured)
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}
