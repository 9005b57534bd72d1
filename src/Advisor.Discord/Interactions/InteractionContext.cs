using System.Numerics;
using System.Text.Json;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Interactions;

/// <summary>An application-command or autocomplete interaction, with the fields the command modules need.</summary>
internal sealed record InteractionContext(string Id, string Token, string? GuildId, string? ChannelId, string UserId, JsonElement? Member, JsonElement Data)
{
    public const ulong AdministratorBit = 1UL << 3;
    public const ulong ManageGuildBit = 1UL << 5;

    public string CommandName => Data.Str("name") ?? "";

    /// <summary>The type of the channel it was invoked in (the interaction's partial <c>channel</c> object), when sent.</summary>
    public int? ChannelType { get; init; }

    /// <summary>True when invoked in a thread (channel types 10, 11, 12).</summary>
    public bool IsThread => DiscordConversation.IsThread(ChannelType);

    public static InteractionContext From(JsonElement interaction)
    {
        var member = interaction.Obj("member");
        var user = member?.Obj("user") ?? interaction.Obj("user");
        return new InteractionContext(
            interaction.Str("id") ?? "",
            interaction.Str("token") ?? "",
            interaction.Str("guild_id"),
            interaction.Str("channel_id") ?? interaction.Obj("channel")?.Str("id"),
            user?.Str("id") ?? "",
            member,
            interaction.Obj("data") ?? default)
        {
            ChannelType = interaction.Obj("channel")?.Int("type"),
        };
    }

    /// <summary>An option's value as text (top-level options; the commands here have no subcommands).</summary>
    public string? Option(string name)
    {
        foreach (var option in Data.Array("options"))
        {
            if (option.Str("name") == name && option.TryGetProperty("value", out var v))
            {
                return v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            }
        }

        return null;
    }

    /// <summary>The option being typed in an autocomplete interaction.</summary>
    public (string Name, string Value)? Focused()
    {
        foreach (var option in Data.Array("options"))
        {
            if (option.Flag("focused"))
            {
                return (option.Str("name") ?? "", option.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "");
            }
        }

        return null;
    }

    /// <summary>True for a guild member holding Administrator or Manage Server, or one of the configured admin roles.</summary>
    public bool IsAdmin(IReadOnlyCollection<string> adminRoleIds)
    {
        if (Member is not { } member || GuildId is null)
        {
            return false;
        }

        if (member.Str("permissions") is { } text && BigInteger.TryParse(text, out var permissions)
            && (permissions & (AdministratorBit | ManageGuildBit)) != BigInteger.Zero)
        {
            return true;
        }

        return member.Array("roles").Any(r => r.GetString() is { } id && adminRoleIds.Contains(id));
    }
}

/// <summary>A command that failed with a message for the user (sent ephemerally).</summary>
internal sealed class CommandFailedException(string message) : Exception(message);

/// <summary>One slash command: its registration and its handler (the seam Discord.Net calls an interaction module).</summary>
internal interface IDiscordCommandModule
{
    /// <summary>The command as registered (bulk overwrite body item).</summary>
    CommandDefinition Definition { get; }

    /// <summary>True when the deferred response (and so the result) is visible only to the caller.</summary>
    bool Ephemeral { get; }

    /// <summary>A fast check before deferring; a message here is sent ephemerally instead of running the command.</summary>
    string? Precheck(InteractionContext context);

    Task<IReadOnlyList<DiscordMessagePayload>> ExecuteAsync(InteractionContext context, CancellationToken cancellationToken);

    IReadOnlyList<AutocompleteChoice> Autocomplete(InteractionContext context, string option, string value);
}

internal sealed record CommandDefinition
{
    public required string Name { get; init; }

    public int Type { get; init; } = 1;

    public required string Description { get; init; }

    public IReadOnlyList<CommandOption>? Options { get; init; }

    public string? DefaultMemberPermissions { get; init; }

    public IReadOnlyList<int> Contexts { get; init; } = [0, 1];
}

internal sealed record CommandOption(string Name, string Description, int Type, bool Required = false, bool? Autocomplete = null, int? MaxLength = null);
