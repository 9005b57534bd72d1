using System.Text.Json;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Discord.Interactions;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>
/// <c>advisor doctor</c> for Discord: GET /users/@me (the token is valid), the registered commands (global, or the
/// development guild's) against the set <see cref="CommandRegistrar"/> would PUT (<see cref="DiscordCommands"/>, compared
/// as the registrar compares them), and the HTTP interactions public key (64 hex chars). Calls go through
/// <see cref="DiscordRestClient"/>.
/// </summary>
/// <param name="http">The client for Discord's REST API (default: a new one with a 10 s timeout).</param>
public sealed class DiscordDoctor(HttpClient? http = null) : IDoctorCheck
{
    public string Platform => "Discord";

    public bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[$"{DiscordOptions.SectionName}:{nameof(DiscordOptions.Token)}"]);

    public async Task<IReadOnlyList<DoctorResult>> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new DiscordOptions();
        context.Configuration.GetSection(DiscordOptions.SectionName).Bind(options);
        var results = new List<DoctorResult>();
        var client = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var metrics = new AdvisorMetrics();
            var rest = new DiscordRestClient(client, Options.Create(options), new DiscordStatus(), TimeProvider.System, metrics, NullLogger<DiscordRestClient>.Instance);
            if (await CurrentUserAsync(rest, cancellationToken).ConfigureAwait(false) is { } user)
            {
                results.Add(user);
                results.Add(await CommandsAsync(rest, options, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                results.Add(DoctorResult.Fail("token", "Discord rejected the bot token (GET /users/@me answered 401)",
                    "set Advisor:Discord:Token to the bot's token (Developer Portal → Bot → Reset Token)"));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or DiscordApiException && !cancellationToken.IsCancellationRequested)
        {
            results.Add(DoctorResult.Fail("REST API", $"Discord could not be reached or refused the call ({ex.Message})", "check this machine's network and Advisor:Discord:ApiBaseUrl"));
        }
        finally
        {
            if (http is null)
            {
                client.Dispose();
            }
        }

        results.Add(PublicKey(options));
        return results;
    }

    /// <summary>The public key check: 64 hex chars when set; needed only when the gateway is off (HTTP interactions).</summary>
    internal static DoctorResult PublicKey(DiscordOptions options)
    {
        const string check = "public key";
        const string fix = "set Advisor:Discord:PublicKey to the application's Public Key (Developer Portal → General Information), 64 hex characters";
        if (string.IsNullOrWhiteSpace(options.PublicKey))
        {
            return options.UseGateway
                ? DoctorResult.Skip(check, "not set (needed only for the HTTP interactions endpoint)")
                : DoctorResult.Fail(check, "not set, and the gateway is off (Advisor:Discord:UseGateway false), so interactions cannot be verified", fix);
        }

        return options.PublicKey.Length == 64 && options.PublicKey.All(Uri.IsHexDigit)
            ? DoctorResult.Pass(check, "64 hex characters")
            : DoctorResult.Fail(check, $"{options.PublicKey.Length} characters{(options.PublicKey.All(Uri.IsHexDigit) ? "" : ", not all hex")}, not 64 hex characters", fix);
    }

    private static async Task<DoctorResult?> CurrentUserAsync(DiscordRestClient rest, CancellationToken ct)
    {
        try
        {
            var me = await rest.GetCurrentUserAsync(ct).ConfigureAwait(false);
            return DoctorResult.Pass("token", $"valid — bot user {me.Str("username") ?? "?"} ({me.Str("id") ?? "?"})");
        }
        catch (DiscordUnauthorizedException)
        {
            return null;
        }
    }

    private static async Task<DoctorResult> CommandsAsync(DiscordRestClient rest, DiscordOptions options, CancellationToken ct)
    {
        const string check = "commands";
        if (string.IsNullOrWhiteSpace(options.ApplicationId))
        {
            return DoctorResult.Fail(check, "Advisor:Discord:ApplicationId is not set, so the commands cannot be read",
                "set Advisor:Discord:ApplicationId to the Application ID (Developer Portal → General Information)");
        }

        var guild = options.GuildId is { Length: > 0 } g ? g : null;
        var scope = guild is null ? "global" : $"guild {guild}";
        var current = await rest.GetCommandsAsync(guild, ct).ConfigureAwait(false);
        var desired = JsonSerializer.SerializeToElement(CommandRegistrar.Body(DiscordCommands.All, guild), DiscordJson.Options);
        var have = ByName(current);
        var want = ByName(desired);
        var missing = want.Keys.Except(have.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = have.Keys.Except(want.Keys).Order(StringComparer.Ordinal).ToList();
        var changed = want.Keys.Intersect(have.Keys).Where(n => want[n] != have[n]).Order(StringComparer.Ordinal).ToList();
        if (missing.Count + extra.Count + changed.Count == 0)
        {
            return DoctorResult.Pass(check, $"the {want.Count} {scope} commands match what Advisor registers");
        }

        var differences = new List<string>();
        AddList(differences, "missing", missing);
        AddList(differences, "not Advisor's", extra);
        AddList(differences, "different", changed);
        return DoctorResult.Fail(check, $"the {scope} commands differ from what Advisor registers ({string.Join("; ", differences)})",
            "run `advisor serve` once (it re-registers them at start), or PUT the JSON of `advisor manifest discord` to the application's commands");

        static void AddList(List<string> into, string label, List<string> names)
        {
            if (names.Count > 0)
            {
                into.Add($"{label}: {string.Join(", ", names.Select(n => "/" + n))}");
            }
        }
    }

    /// <summary>Each command's canonical form (as <see cref="CommandRegistrar"/> compares them), by name.</summary>
    private static Dictionary<string, string> ByName(JsonElement commands) =>
        commands.ValueKind != JsonValueKind.Array
            ? []
            : commands.EnumerateArray()
                .GroupBy(c => c.Str("name") ?? "", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => CommandRegistrar.Canonical(JsonSerializer.SerializeToElement(g.ToArray())), StringComparer.Ordinal);
}
