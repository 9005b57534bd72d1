using System.Text.Json;
using System.Text.Json.Serialization;

namespace Advisor.Discord.Rest;

/// <summary>A message body for Create Message, an interaction response or a webhook edit.</summary>
internal sealed record DiscordMessagePayload
{
    public string? Content { get; init; }

    public IReadOnlyList<DiscordEmbed>? Embeds { get; init; }

    /// <summary>Always sent: nothing the bot writes may ping anyone.</summary>
    public AllowedMentions AllowedMentions { get; init; } = AllowedMentions.None;

    public MessageReference? MessageReference { get; init; }

    public int? Flags { get; init; }

    /// <summary>Action rows of buttons under the message (feedback, suggested follow-ups); an empty list removes them on an edit.</summary>
    public IReadOnlyList<DiscordComponent>? Components { get; init; }

    /// <summary>
    /// Channel messages only: a stable id of this reply (at most 25 characters). With <see cref="EnforceNonce"/>,
    /// Discord answers a repeat with the same nonce within a few minutes with the message it already has instead of
    /// posting it again, so a reply whose first attempt had no clear answer can be sent again safely.
    /// </summary>
    public string? Nonce { get; init; }

    public bool? EnforceNonce { get; init; }

    public const int EphemeralFlag = 64;

    /// <summary>The flag of a deferred interaction response still showing "thinking…" (LOADING).</summary>
    public const int LoadingFlag = 128;

    /// <summary>IS_COMPONENTS_V2 (1 &lt;&lt; 15): the message is laid out by its components; no content or embeds.</summary>
    public const int ComponentsV2Flag = 1 << 15;

    /// <summary>True when <see cref="Flags"/> has IS_COMPONENTS_V2.</summary>
    [JsonIgnore]
    public bool IsComponentsV2 => ((Flags ?? 0) & ComponentsV2Flag) != 0;

    /// <summary>Discord's limit on a nonce's length.</summary>
    public const int MaxNonceLength = 25;

    /// <summary>This message sent with the nonce enforced; a nonce over 25 characters is not used (the message then goes without).</summary>
    public DiscordMessagePayload WithNonce(string nonce) =>
        nonce.Length is > 0 and <= MaxNonceLength ? this with { Nonce = nonce, EnforceNonce = true } : this;
}

internal sealed record AllowedMentions(IReadOnlyList<string> Parse, bool? RepliedUser = null)
{
    public static AllowedMentions None { get; } = new([], false);
}

internal sealed record MessageReference(string MessageId, bool FailIfNotExists = false);

internal sealed record DiscordEmbed
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<EmbedField>? Fields { get; init; }

    public int? Color { get; init; }
}

internal sealed record EmbedField(string Name, string Value, bool? Inline = null);

/// <summary>
/// A message or modal component: an action row (1) of buttons (2), a label (18) around a text input (4); with
/// Components V2 a container (17) of text displays (10), sections (9) and separators (14). One record for all of them;
/// fields a type does not use stay null and are not sent.
/// </summary>
internal sealed record DiscordComponent
{
    public const int ActionRow = 1;
    public const int Button = 2;
    public const int TextInput = 4;
    public const int Section = 9;
    public const int TextDisplay = 10;
    public const int Separator = 14;
    public const int Container = 17;
    public const int LabelType = 18;

    public const int PrimaryStyle = 1;
    public const int SecondaryStyle = 2;
    public const int ParagraphStyle = 2;

    public required int Type { get; init; }

    public int? Style { get; init; }

    /// <summary>A button's text (≤ 80) or a label's (≤ 45).</summary>
    public string? Label { get; init; }

    public ComponentEmoji? Emoji { get; init; }

    /// <summary>1–100 characters, unique in the message.</summary>
    public string? CustomId { get; init; }

    /// <summary>An action row's buttons.</summary>
    public IReadOnlyList<DiscordComponent>? Components { get; init; }

    /// <summary>A label's input.</summary>
    public DiscordComponent? Component { get; init; }

    public string? Placeholder { get; init; }

    public int? MaxLength { get; init; }

    public bool? Required { get; init; }

    public bool? Disabled { get; init; }

    /// <summary>A text display's Markdown.</summary>
    public string? Content { get; init; }

    /// <summary>A container's colour (0–0xFFFFFF).</summary>
    public int? AccentColor { get; init; }

    /// <summary>A section's button or thumbnail.</summary>
    public DiscordComponent? Accessory { get; init; }

    /// <summary>A separator: a line (true) or space only.</summary>
    public bool? Divider { get; init; }

    /// <summary>A separator's padding: 1 small, 2 large.</summary>
    public int? Spacing { get; init; }
}

internal sealed record ComponentEmoji(string Name);

/// <summary>A modal (interaction response 9): custom_id ≤ 100, title ≤ 45, 1–5 components.</summary>
internal sealed record ModalData(string CustomId, string Title, IReadOnlyList<DiscordComponent> Components);

/// <summary>An interaction callback (PONG, defer, message, autocomplete result).</summary>
internal sealed record InteractionResponse(int Type, object? Data = null)
{
    public static InteractionResponse Pong { get; } = new(1);

    public static InteractionResponse Defer(bool ephemeral) =>
        new(5, ephemeral ? new DiscordMessagePayload { Flags = DiscordMessagePayload.EphemeralFlag } : new DiscordMessagePayload());

    public static InteractionResponse Message(DiscordMessagePayload payload) => new(4, payload);

    /// <summary>DEFERRED_UPDATE_MESSAGE (6): a component click acknowledged with no visible change.</summary>
    public static InteractionResponse DeferredUpdate { get; } = new(6);

    /// <summary>MODAL (9): opens a form (not in reply to a modal submit).</summary>
    public static InteractionResponse Modal(ModalData modal) => new(9, modal);

    public static InteractionResponse Autocomplete(IReadOnlyList<AutocompleteChoice> choices) => new(8, new AutocompleteData(choices));
}

internal sealed record AutocompleteData(IReadOnlyList<AutocompleteChoice> Choices);

internal sealed record AutocompleteChoice(string Name, string Value);

internal sealed record GatewayBotInfo(string Url, int Shards, SessionStartLimit? SessionStartLimit);

/// <summary>GET /gateway/bot's session_start_limit: identifies left and when the count resets.</summary>
internal sealed record SessionStartLimit(int Total, int Remaining, TimeSpan ResetAfter, int MaxConcurrency);

internal static class DiscordJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    public static string? Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static JsonElement? Obj(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static bool Flag(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static int? Int(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static IEnumerable<JsonElement> Array(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];
}
