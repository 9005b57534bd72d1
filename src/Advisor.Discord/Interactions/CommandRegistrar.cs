using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Interactions;

/// <summary>Registers the slash commands by bulk overwrite (global or the development guild), only when they changed.</summary>
internal sealed partial class CommandRegistrar(
    DiscordRestClient rest,
    IEnumerable<IDiscordCommandModule> modules,
    IOptions<DiscordOptions> options,
    ILogger<CommandRegistrar> logger)
{
    public IReadOnlyList<CommandDefinition> Definitions { get; } = modules.Select(m => m.Definition).ToList();

    /// <summary>
    /// The bulk-overwrite body for a scope: the definitions as they are for global commands; for a (development) guild
    /// without <c>integration_types</c> and <c>contexts</c>, which Discord takes for global commands only.
    /// </summary>
    public static IReadOnlyList<CommandDefinition> Body(IEnumerable<CommandDefinition> definitions, string? guildId) =>
        guildId is null ? definitions.ToList() : definitions.Select(d => d with { IntegrationTypes = null, Contexts = null }).ToList();

    /// <summary>True when the commands were (re)registered, false when Discord already had them.</summary>
    public async Task<bool> EnsureAsync(CancellationToken ct)
    {
        var guild = options.Value.GuildId is { Length: > 0 } g ? g : null;
        var current = await rest.GetCommandsAsync(guild, ct);
        var body = Body(Definitions, guild);
        var desired = JsonSerializer.SerializeToElement(body, DiscordJson.Options);
        if (Canonical(current) == Canonical(desired))
        {
            Log.Unchanged(logger, guild ?? "global");
            return false;
        }

        await rest.BulkOverwriteCommandsAsync(guild, body, ct);
        Log.Registered(logger, Definitions.Count, guild ?? "global");
        return true;
    }

    /// <summary>The fields we set, in a stable form, so Discord's extra fields and defaults don't count as changes.</summary>
    internal static string Canonical(JsonElement commands)
    {
        if (commands.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var list = commands.EnumerateArray()
            .Select(c => new JsonObject
            {
                ["name"] = c.Str("name"),
                ["type"] = c.Int("type") ?? 1,
                ["description"] = c.Str("description") ?? "",
                ["default_member_permissions"] = c.Str("default_member_permissions"),
                ["contexts"] = new JsonArray(c.Array("contexts").Select(x => x.GetInt32()).Order().Select(x => (JsonNode?)x).ToArray()),
                ["integration_types"] = new JsonArray(c.Array("integration_types").Select(x => x.GetInt32()).Order().Select(x => (JsonNode?)x).ToArray()),
                ["options"] = new JsonArray(c.Array("options").Select(o => (JsonNode?)new JsonObject
                {
                    ["name"] = o.Str("name"),
                    ["type"] = o.Int("type"),
                    ["description"] = o.Str("description") ?? "",
                    ["required"] = o.Flag("required"),
                    ["autocomplete"] = o.Flag("autocomplete"),
                    ["max_length"] = o.Int("max_length"),
                }).ToArray()),
            })
            .OrderBy(o => (string?)o["name"], StringComparer.Ordinal)
            .ToArray();
        return new JsonArray(list).ToJsonString();
    }

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Information, "Discord commands unchanged ({Scope}); not re-registering")]
        public static partial void Unchanged(ILogger logger, string scope);

        [LoggerMessage(501, LogLevel.Information, "Discord commands registered by bulk overwrite: {Count} ({Scope})")]
        public static partial void Registered(ILogger logger, int count, string scope);
    }
}
