using System.ComponentModel.DataAnnotations;
using Advisor.Core;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// <c>advisor doctor</c> for Slack: the settings, auth.test with the bot token, the granted scopes (auth.test's
/// <c>x-oauth-scopes</c> header) against <see cref="SlackApiMethods.BotScopes"/> (what the manifest asks for), Socket Mode
/// (apps.connections.open with the app token) and, in HTTP mode, whether the Request URL given with --http answers
/// on /healthz from here. Calls go through <see cref="SlackApiClient"/>, once each (no retries).
/// </summary>
/// <param name="http">The client for Slack and the /healthz probe (default: a new one with a 10 s timeout).</param>
public sealed class SlackDoctor(HttpClient? http = null) : IDoctorCheck
{
    private const string Check = "settings";

    public string Platform => "Slack";

    public bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[$"{SlackOptions.SectionName}:{nameof(SlackOptions.BotToken)}"]);

    public async Task<IReadOnlyList<DoctorResult>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new SlackOptions();
        context.Configuration.GetSection(SlackOptions.SectionName).Bind(options);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            return [DoctorResult.Fail(Check, string.Join(" ", problems.Select(p => p.ErrorMessage)), "correct the Advisor:Slack settings named above (docs/slack.md)")];
        }

        var results = new List<DoctorResult> { DoctorResult.Pass(Check, options.UsesSocketMode ? "Socket Mode (app token set)" : "HTTP mode (signing secret, no app token)") };
        var client = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var metrics = new AdvisorMetrics();
            var api = new SlackApiClient(client, client, Options.Create(options), TimeProvider.System, metrics, NullLogger<SlackApiClient>.Instance);
            var test = await AuthTestAsync(api, results, cancellationToken).ConfigureAwait(false);
            if (test is not null)
            {
                results.Add(Scopes(test.Scopes));
            }

            if (options.UsesSocketMode)
            {
                results.Add(await SocketModeAsync(api, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                results.Add(await RequestUrlAsync(client, context.HttpUrl, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            if (http is null)
            {
                client.Dispose();
            }
        }

        return results;
    }

    /// <summary>The scope check: every scope the manifest asks for is granted; extra scopes are named but pass.</summary>
    internal static DoctorResult Scopes(IReadOnlyList<string>? granted)
    {
        const string check = "scopes";
        if (granted is null)
        {
            return DoctorResult.Fail(check, "auth.test returned no x-oauth-scopes header, so the granted scopes are unknown",
                "use the app's Bot User OAuth Token (xoxb-…) from OAuth & Permissions");
        }

        var missing = SlackApiMethods.BotScopes.Except(granted, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return DoctorResult.Fail(check, $"missing {string.Join(", ", missing)}",
                "add them under OAuth & Permissions → Bot Token Scopes (or update the app from `advisor manifest slack`), then reinstall the app to the workspace");
        }

        var extra = granted.Except(SlackApiMethods.BotScopes, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return DoctorResult.Pass(check, $"all {SlackApiMethods.BotScopes.Count} scopes the manifest asks for are granted"
            + (extra.Count == 0 ? "" : $" (also granted, not needed: {string.Join(", ", extra)})"));
    }

    private static async Task<SlackAuthTest?> AuthTestAsync(SlackApiClient api, List<DoctorResult> results, CancellationToken ct)
    {
        const string check = "auth.test";
        try
        {
            var test = await api.AuthTestOnceAsync(ct).ConfigureAwait(false);
            results.Add(DoctorResult.Pass(check, $"token valid — team {test.Team} ({test.TeamId}), bot user @{test.User} ({test.UserId})"));
            return test;
        }
        catch (SlackApiException ex)
        {
            results.Add(DoctorResult.Fail(check, $"Slack refused the bot token ({ex.Error})", ex.Error is "invalid_auth" or "not_authed" or "account_inactive" or "token_revoked" or "token_expired"
                ? "set Advisor:Slack:BotToken to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; reinstall the app if it was revoked"
                : "check Advisor:Slack:BotToken and Advisor:Slack:ApiBaseUrl"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            results.Add(DoctorResult.Fail(check, $"Slack could not be reached ({ex.Message})", "check this machine's network and Advisor:Slack:ApiBaseUrl"));
        }

        return null;
    }

    private static async Task<DoctorResult> SocketModeAsync(SlackApiClient api, CancellationToken ct)
    {
        const string check = "Socket Mode";
        try
        {
            await api.OpenConnectionAsync(ct).ConfigureAwait(false);
            return DoctorResult.Pass(check, "apps.connections.open gave a WebSocket URL for the app token");
        }
        catch (SlackApiException ex)
        {
            return DoctorResult.Fail(check, $"apps.connections.open refused the app token ({ex.Error})",
                "set Advisor:Slack:AppToken to an app-level token (xapp-…) with connections:write (Basic Information → App-Level Tokens), and turn Socket Mode on");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return DoctorResult.Fail(check, $"Slack could not be reached ({ex.Message})", "check this machine's network and Advisor:Slack:ApiBaseUrl");
        }
    }

    private static async Task<DoctorResult> RequestUrlAsync(HttpClient client, Uri? httpUrl, CancellationToken ct)
    {
        const string check = "Request URL";
        if (httpUrl is null)
        {
            return DoctorResult.Skip(check, "not checked; give the public base URL with --http https://advisor.example.com to check that it answers on /healthz");
        }

        var healthz = new Uri(httpUrl.AbsoluteUri.TrimEnd('/') + "/healthz");
        try
        {
            using var response = await client.GetAsync(healthz, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? DoctorResult.Pass(check, $"{healthz} answered {(int)response.StatusCode}")
                : DoctorResult.Fail(check, $"{healthz} answered {(int)response.StatusCode}",
                    "check that `advisor serve` runs (port 8080 or --urls) and that the proxy routes the URL and its /slack/… paths to it");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return DoctorResult.Fail(check, $"{healthz} did not answer ({ex.Message})",
                "check the URL's DNS, TLS certificate and proxy, and that `advisor serve` is running behind it");
        }
    }
}
