using System.Text.Json;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Discord;

/// <summary>
/// Discord's documented component and flag rules (BRIEF-2 D7–D9; discord.com/developers/docs/components/reference,
/// resources/message), checked on every message body and modal whether or not the OpenAPI spec is present (the spec
/// adds its own schema checks when it is):
/// <list type="bullet">
/// <item>flags: Create Message takes only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2 (no
/// EPHEMERAL: only interactions make those); IS_COMPONENTS_V2 cannot be removed, and with it content, embeds,
/// sticker_ids and poll are refused;</item>
/// <item>legacy messages: ≤5 action rows, each ≤5 buttons or one select, nothing else at the top level;</item>
/// <item>Components V2: ≤40 components in all (nested included), Container without nested Containers, Section with 1–3
/// Text Displays and a Button or Thumbnail accessory, Text Display content ≤4,000 characters in all (the last is from
/// unofficial docs, BRIEF-2 Part C);</item>
/// <item>interactive components: custom_id 1–100 and unique in the message; buttons by style (1–4 custom_id, 5 url ≤512,
/// 6 sku_id), label ≤80; string selects ≤25 options (label/value/description ≤100), placeholder ≤150, min 0–25, max 1–25;</item>
/// <item>modals: custom_id 1–100, title 1–45, 1–5 components (Label 18 with label ≤45 and description ≤100, Text Display,
/// or a legacy row), Text Inputs with custom_id, style 1|2, lengths 0–4,000, placeholder ≤100.</item>
/// </list>
/// </summary>
internal static class ComponentRules
{
    public const int Ephemeral = 1 << 6;
    public const int Loading = 1 << 7;
    public const int ComponentsV2 = 1 << 15;

    private static readonly HashSet<int> V2Only = [9, 10, 11, 12, 13, 14, 17];
    private static readonly HashSet<int> Selects = [3, 5, 6, 7, 8];

    /// <summary>Flags, V2 exclusivity and components of a message body (create, edit, interaction response data).</summary>
    public static void CheckMessage(JsonNode? body, List<string> errors, int allowedFlags, int existingFlags)
    {
        if (body is not JsonObject message)
        {
            return;
        }

        var flags = Flags(message);
        if (flags is { } sent && (sent & ~allowedFlags) != 0)
        {
            errors.Add($"flags {sent} set bits that are not allowed here (allowed: {allowedFlags})");
        }

        if ((existingFlags & ComponentsV2) != 0 && flags is { } newFlags && (newFlags & ComponentsV2) == 0)
        {
            errors.Add("IS_COMPONENTS_V2 cannot be removed from a message");
        }

        var v2 = ((existingFlags | (flags ?? 0)) & ComponentsV2) != 0;
        if (v2)
        {
            foreach (var field in (string[])["content", "embeds", "sticker_ids", "poll"])
            {
                if (message[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0
                    || message[field] is JsonArray { Count: > 0 } || (field == "poll" && message[field] is JsonObject))
                {
                    errors.Add($"{field} is not allowed with IS_COMPONENTS_V2 (flags 32768)");
                }
            }
        }

        if (message["components"] is JsonArray components)
        {
            CheckComponents(components, v2, errors);
        }
    }

    /// <summary>A MODAL (type 9) response's data.</summary>
    public static void CheckModal(JsonObject? data, List<string> errors)
    {
        if (data is null)
        {
            errors.Add("a modal needs data");
            return;
        }

        if (Str(data, "custom_id") is not { Length: >= 1 and <= 100 })
        {
            errors.Add("modal custom_id must be 1-100 characters");
        }

        if (Str(data, "title") is not { Length: >= 1 and <= 45 })
        {
            errors.Add("modal title must be 1-45 characters");
        }

        if (data["components"] is not JsonArray { Count: >= 1 and <= 5 } components)
        {
            errors.Add("a modal takes 1-5 components");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in components.OfType<JsonObject>())
        {
            switch (Type(component))
            {
                case 18:
                    if (Str(component, "label") is not { Length: >= 1 and <= 45 })
                    {
                        errors.Add("a Label's label must be 1-45 characters");
                    }

                    if (Str(component, "description") is { Length: > 100 })
                    {
                        errors.Add("a Label's description must be ≤100 characters");
                    }

                    if (component["component"] is JsonObject inner)
                    {
                        CheckModalInput(inner, ids, errors);
                    }
                    else
                    {
                        errors.Add("a Label needs a component");
                    }

                    break;
                case 10:
                    break;
                case 1:
                    foreach (var rowInput in (component["components"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        CheckModalInput(rowInput, ids, errors);
                    }

                    break;
                default:
                    errors.Add($"component type {Type(component)} cannot be at the top level of a modal");
                    break;
            }
        }
    }

    /// <summary>The message's flags, or null when it sets none.</summary>
    public static int? Flags(JsonObject message) => message["flags"] is JsonValue v && v.TryGetValue<int>(out var f) ? f : null;

    /// <summary>Every component of a message, nested ones included (rows, containers, sections and their accessories).</summary>
    public static IEnumerable<JsonObject> All(JsonArray? components)
    {
        foreach (var component in (components ?? []).OfType<JsonObject>())
        {
            yield return component;
            foreach (var child in All(component["components"] as JsonArray))
            {
                yield return child;
            }

            foreach (var single in new[] { component["accessory"], component["component"] }.OfType<JsonObject>())
            {
                yield return single;
                foreach (var child in All(single["components"] as JsonArray))
                {
                    yield return child;
                }
            }
        }
    }

    private static void CheckComponents(JsonArray components, bool v2, List<string> errors)
    {
        var all = All(components).ToList();
        if (v2)
        {
            if (all.Count > 40)
            {
                errors.Add($"{all.Count} components (IS_COMPONENTS_V2 allows 40 in total, nested included)");
            }

            var text = all.Where(c => Type(c) == 10).Sum(c => Str(c, "content")?.Length ?? 0);
            if (text > 4000)
            {
                errors.Add($"Text Displays hold {text} characters (limit 4000 in all; unofficial docs)");
            }

            foreach (var top in components.OfType<JsonObject>())
            {
                if (Type(top) is not (1 or 9 or 10 or 12 or 13 or 14 or 17))
                {
                    errors.Add($"component type {Type(top)} cannot be at the top level");
                }
            }
        }
        else
        {
            if (components.Count > 5)
            {
                errors.Add($"{components.Count} action rows (limit 5)");
            }

            foreach (var top in components.OfType<JsonObject>())
            {
                if (Type(top) != 1)
                {
                    errors.Add($"component type {Type(top)} at the top level needs IS_COMPONENTS_V2 (legacy messages take only action rows)");
                }
            }

            foreach (var c in all.Where(c => V2Only.Contains(Type(c))))
            {
                errors.Add($"component type {Type(c)} needs IS_COMPONENTS_V2");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in all)
        {
            if (Str(c, "custom_id") is { } customId)
            {
                if (customId.Length is 0 or > 100)
                {
                    errors.Add($"custom_id '{customId}' must be 1-100 characters");
                }
                else if (!ids.Add(customId))
                {
                    errors.Add($"custom_id '{customId}' is used twice in the message");
                }
            }

            switch (Type(c))
            {
                case 1:
                    CheckRow(c, errors);
                    break;
                case 2:
                    CheckButton(c, errors);
                    break;
                case 3:
                    CheckStringSelect(c, errors);
                    break;
                case 9:
                    if (c["components"] is not JsonArray { Count: >= 1 and <= 3 } texts || texts.OfType<JsonObject>().Any(t => Type(t) != 10))
                    {
                        errors.Add("a Section takes 1-3 Text Displays");
                    }

                    if (c["accessory"] is not JsonObject accessory || Type(accessory) is not (2 or 11))
                    {
                        errors.Add("a Section needs a Button or Thumbnail accessory");
                    }

                    break;
                case 17:
                    foreach (var child in (c["components"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (Type(child) is not (1 or 9 or 10 or 12 or 13 or 14))
                        {
                            errors.Add($"a Container cannot hold component type {Type(child)}");
                        }
                    }

                    break;
            }
        }
    }

    private static void CheckRow(JsonObject row, List<string> errors)
    {
        var children = (row["components"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var selects = children.Count(c => Selects.Contains(Type(c)));
        var buttons = children.Count(c => Type(c) == 2);
        if (children.Count == 0 || (selects > 0 && (selects > 1 || buttons > 0)) || buttons > 5 || buttons + selects != children.Count)
        {
            errors.Add("an action row takes 1-5 buttons or exactly one select");
        }
    }

    private static void CheckButton(JsonObject button, List<string> errors)
    {
        var style = button["style"] is JsonValue v && v.TryGetValue<int>(out var s) ? s : 0;
        var customId = Str(button, "custom_id");
        var url = Str(button, "url");
        switch (style)
        {
            case >= 1 and <= 4 when customId is null || url is not null:
                errors.Add($"a style {style} button needs a custom_id and no url");
                break;
            case 5 when url is not { Length: >= 1 and <= 512 } || customId is not null:
                errors.Add("a link button (style 5) needs a url (≤512) and no custom_id");
                break;
            case 6 when button["sku_id"] is null:
                errors.Add("a premium button (style 6) needs a sku_id");
                break;
            case < 1 or > 6:
                errors.Add($"button style {style} does not exist");
                break;
        }

        if (Str(button, "label") is { Length: > 80 })
        {
            errors.Add("a button label must be ≤80 characters");
        }
    }

    private static void CheckStringSelect(JsonObject select, List<string> errors)
    {
        if (Str(select, "custom_id") is null)
        {
            errors.Add("a select needs a custom_id");
        }

        if (select["options"] is not JsonArray { Count: >= 1 and <= 25 } options)
        {
            errors.Add("a string select takes 1-25 options");
            return;
        }

        foreach (var option in options.OfType<JsonObject>())
        {
            if (Str(option, "label") is not { Length: >= 1 and <= 100 } || Str(option, "value") is not { Length: >= 1 and <= 100 } || Str(option, "description") is { Length: > 100 })
            {
                errors.Add("select option label and value must be 1-100 characters, description ≤100");
            }
        }

        if (Str(select, "placeholder") is { Length: > 150 })
        {
            errors.Add("a select placeholder must be ≤150 characters");
        }

        var min = select["min_values"] is JsonValue lo && lo.TryGetValue<int>(out var l) ? l : 1;
        var max = select["max_values"] is JsonValue hi && hi.TryGetValue<int>(out var h) ? h : 1;
        if (min is < 0 or > 25 || max is < 1 or > 25 || min > max || max > options.Count)
        {
            errors.Add($"select min_values {min} / max_values {max} out of range");
        }
    }

    private static void CheckModalInput(JsonObject input, HashSet<string> ids, List<string> errors)
    {
        if (Str(input, "custom_id") is not { Length: >= 1 and <= 100 } customId)
        {
            errors.Add("a modal input needs a custom_id of 1-100 characters");
        }
        else if (!ids.Add(customId))
        {
            errors.Add($"custom_id '{customId}' is used twice in the modal");
        }

        if (Type(input) != 4)
        {
            return;
        }

        if (input["style"] is not JsonValue style || !style.TryGetValue<int>(out var s) || s is not (1 or 2))
        {
            errors.Add("a Text Input needs style 1 (short) or 2 (paragraph)");
        }

        var min = input["min_length"] is JsonValue lo && lo.TryGetValue<int>(out var l) ? l : 0;
        var max = input["max_length"] is JsonValue hi && hi.TryGetValue<int>(out var h) ? h : 4000;
        if (min is < 0 or > 4000 || max is < 1 or > 4000 || min > max)
        {
            errors.Add($"Text Input min_length {min} / max_length {max} out of range");
        }

        if (Str(input, "value") is { Length: > 4000 } || Str(input, "placeholder") is { Length: > 100 })
        {
            errors.Add("a Text Input's value must be ≤4000 and its placeholder ≤100 characters");
        }
    }

    private static int Type(JsonObject component) => component["type"] is JsonValue v && v.TryGetValue<int>(out var t) ? t : 0;

    private static string? Str(JsonObject owner, string name) =>
        owner[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
