using System.Globalization;
using System.Text.Json;
using Advisor.Discord.Interactions;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Configuration;

namespace Advisor.Discord;

/// <summary>
/// <c>advisor manifest discord</c>: the command set as the bulk-overwrite JSON (the body <see cref="CommandRegistrar"/>
/// PUTs, from the same table) and the install link, whose permissions come from <see cref="Permissions"/> — the one
/// table of what the bot's own REST calls need.
/// </summary>
public static class DiscordManifest
{
    /// <summary>One permission the bot asks for, the REST call that needs it, and why.</summary>
    public sealed record Permission(string Name, int Bit, string Route, string Why);

    /// <summary>
    /// Every permission the bot uses, by the bot-token route that needs it (interaction responses and follow-ups use the
    /// interaction token and need none). Nothing else is asked for: no reactions, no management, no Administrator.
    /// </summary>
    public static IReadOnlyList<Permission> Permissions { get; } =
    [
        new("VIEW_CHANNEL", 10, "GATEWAY MESSAGE_CREATE", "see the channels where it is mentioned and read the question"),
        new("SEND_MESSAGES", 11, "POST /channels/{c}/messages", "answer a mention, post a shared answer, show typing (POST /channels/{c}/typing)"),
        new("EMBED_LINKS", 14, "POST /channels/{c}/messages", "answers and comparisons are embeds; without it Discord drops them"),
        new("READ_MESSAGE_HISTORY", 16, "POST /channels/{c}/messages", "an answer is a reply (message_reference) to the question"),
        new("CREATE_PUBLIC_THREADS", 35, "POST /channels/{c}/messages/{m}/threads", "open a thread for the answer (Advisor:Discord:CreateThreads)"),
        new("SEND_MESSAGES_IN_THREADS", 38, "POST /channels/{c}/messages", "answer follow-ups in threads"),
    ];

    /// <summary>The permissions integer of the install link.</summary>
    public static ulong PermissionBits => Permissions.Aggregate(0UL, (bits, p) => bits | (1UL << p.Bit));

    /// <summary>The global commands as PUT /applications/{id}/commands takes them.</summary>
    public static string CommandsJson() =>
        JsonSerializer.Serialize(CommandRegistrar.Body(DiscordCommands.All, guildId: null), new JsonSerializerOptions(DiscordJson.Options) { WriteIndented = true });

    /// <summary>The OAuth2 install link (scopes applications.commands and bot, the permissions above).</summary>
    public static string InstallLink(string? applicationId) =>
        $"https://discord.com/oauth2/authorize?client_id={(string.IsNullOrWhiteSpace(applicationId) ? "YOUR_APPLICATION_ID" : Uri.EscapeDataString(applicationId))}"
        + $"&scope=applications.commands+bot&permissions={PermissionBits.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Writes the manifest: the commands JSON, then the install link (Advisor:Discord:ApplicationId when set).</summary>
    public static async Task<int> WriteAsync(IConfiguration configuration, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync(CommandsJson()).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Install link: " + InstallLink(configuration[$"{DiscordOptions.SectionName}:ApplicationId"])).ConfigureAwait(false);
        return 0;
    }
}
