using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// Block Kit's documented limits, checked as Slack checks them before it stores a message or a view (BRIEF-2 S3, BRIEF
/// B7): blocks per surface, <c>block_id</c> ≤255 and unique, section text 3,000 / fields 10×2,000, header 150, context 10
/// elements, actions 25 elements, <c>context_actions</c> 1–5 elements that are only <c>feedback_buttons</c> /
/// <c>icon_button</c> (and those nowhere else), buttons (text ≤75, action_id ≤255 and unique in the block, value
/// ≤2,000, url ≤3,000, style primary|danger), selects (≤100 options or groups, option text ≤75 / value ≤150,
/// placeholder ≤150), tables (≤100 rows of ≤20 cells, ≤20 column settings), and the 12,000 characters all markdown
/// blocks of one payload share. Block types it does not know are let through.
/// </summary>
internal static class BlockKit
{
    /// <summary>Blocks in a message.</summary>
    public const int MessageBlocks = 50;

    /// <summary>Blocks in a modal or on the Home tab.</summary>
    public const int ViewBlocks = 100;

    /// <summary>The first problem as Slack words it ("[ERROR] … [json-pointer:/blocks/0/…]"), or null when the blocks are valid.</summary>
    public static string? Check(JsonArray blocks, int maxBlocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count > maxBlocks)
        {
            return $"[ERROR] no more than {maxBlocks} items allowed [json-pointer:/blocks]";
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var markdown = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = "/blocks/" + i.ToString(CultureInfo.InvariantCulture);
            if (blocks[i] is not JsonObject block || Str(block, "type") is not { Length: > 0 } type)
            {
                return $"[ERROR] missing required field: type [json-pointer:{at}]";
            }

            if (Str(block, "block_id") is { } id)
            {
                if (id.Length is 0 or > 255)
                {
                    return $"[ERROR] must be between 1 and 255 characters [json-pointer:{at}/block_id]";
                }

                if (!ids.Add(id))
                {
                    return $"[ERROR] duplicate block_id '{id}' [json-pointer:{at}/block_id]";
                }
            }

            if (type == "markdown")
            {
                markdown += Str(block, "text")?.Length ?? 0;
                if (markdown > 12_000)
                {
                    return $"[ERROR] markdown blocks of one payload exceed 12000 characters in total [json-pointer:{at}/text]";
                }
            }

            if (CheckBlock(type, block, at) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>A copy of the blocks with a <c>block_id</c> on every block, as Slack assigns one to blocks sent without.</summary>
    public static JsonArray WithIds(JsonArray blocks)
    {
        var copy = blocks.DeepClone().AsArray();
        foreach (var block in copy.OfType<JsonObject>())
        {
            if (block["block_id"] is null)
            {
                block["block_id"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..4].Replace('/', 'x').Replace('+', 'y');
            }
        }

        return copy;
    }

    private static string? CheckBlock(string type, JsonObject block, string at)
    {
        switch (type)
        {
            case "section":
                if (block["text"] is JsonObject text && Length(text, "text") > 3000)
                {
                    return $"[ERROR] must be less than 3001 characters [json-pointer:{at}/text/text]";
                }

                if (block["fields"] is JsonArray fields)
                {
                    if (fields.Count > 10)
                    {
                        return $"[ERROR] no more than 10 items allowed [json-pointer:{at}/fields]";
                    }

                    for (var f = 0; f < fields.Count; f++)
                    {
                        if (fields[f] is JsonObject field && Length(field, "text") > 2000)
                        {
                            return $"[ERROR] must be less than 2001 characters [json-pointer:{at}/fields/{f}/text]";
                        }
                    }
                }

                return block["accessory"] is JsonObject accessory ? CheckElement(accessory, at + "/accessory", inContextActions: false) : null;
            case "header":
                return block["text"] is JsonObject header && Length(header, "text") > 150
                    ? $"[ERROR] must be less than 151 characters [json-pointer:{at}/text/text]"
                    : null;
            case "context":
                return block["elements"] is JsonArray { Count: > 10 }
                    ? $"[ERROR] no more than 10 items allowed [json-pointer:{at}/elements]"
                    : null;
            case "actions":
                return CheckElements(block, at, max: 25, inContextActions: false);
            case "context_actions":
                return CheckElements(block, at, max: 5, inContextActions: true);
            case "table":
                return CheckTable(block, at);
            case "input":
                return block["element"] is JsonObject element
                    ? CheckElement(element, at + "/element", inContextActions: false)
                    : $"[ERROR] missing required field: element [json-pointer:{at}]";
            default:
                return null;
        }
    }

    private static string? CheckElements(JsonObject block, string at, int max, bool inContextActions)
    {
        if (block["elements"] is not JsonArray { Count: > 0 } elements)
        {
            return $"[ERROR] missing required field: elements [json-pointer:{at}]";
        }

        if (elements.Count > max)
        {
            return $"[ERROR] no more than {max} items allowed [json-pointer:{at}/elements]";
        }

        var actionIds = new HashSet<string>(StringComparer.Ordinal);
        for (var e = 0; e < elements.Count; e++)
        {
            var where = $"{at}/elements/{e}";
            if (elements[e] is not JsonObject element)
            {
                return $"[ERROR] must be an object [json-pointer:{where}]";
            }

            if (Str(element, "action_id") is { } actionId && !actionIds.Add(actionId))
            {
                return $"[ERROR] action_id '{actionId}' is already used in this block [json-pointer:{where}/action_id]";
            }

            if (CheckElement(element, where, inContextActions) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? CheckElement(JsonObject element, string at, bool inContextActions)
    {
        var type = Str(element, "type");
        var contextOnly = type is "feedback_buttons" or "icon_button";
        if (contextOnly != inContextActions)
        {
            return inContextActions
                ? $"[ERROR] context_actions holds only feedback_buttons and icon_button elements [json-pointer:{at}/type]"
                : $"[ERROR] {type} is allowed only in a context_actions block [json-pointer:{at}/type]";
        }

        if (Str(element, "action_id") is { Length: > 255 })
        {
            return $"[ERROR] must be less than 256 characters [json-pointer:{at}/action_id]";
        }

        switch (type)
        {
            case "button":
                if (element["text"] is not JsonObject buttonText || Str(buttonText, "type") != "plain_text")
                {
                    return $"[ERROR] a button needs a plain_text text [json-pointer:{at}/text]";
                }

                if (Length(buttonText, "text") > 75)
                {
                    return $"[ERROR] must be less than 76 characters [json-pointer:{at}/text/text]";
                }

                if (Str(element, "style") is { } style && style is not ("primary" or "danger"))
                {
                    return $"[ERROR] must be one of primary, danger [json-pointer:{at}/style]";
                }

                return Limit(element, "value", 2000, at) ?? Limit(element, "url", 3000, at) ?? Limit(element, "accessibility_label", 75, at);
            case "feedback_buttons":
                foreach (var side in (string[])["positive_button", "negative_button"])
                {
                    if (element[side] is not JsonObject button || button["text"] is not JsonObject label || Str(label, "type") != "plain_text")
                    {
                        return $"[ERROR] missing required field: {side} (with a plain_text text) [json-pointer:{at}]";
                    }

                    if (Length(label, "text") > 75)
                    {
                        return $"[ERROR] must be less than 76 characters [json-pointer:{at}/{side}/text/text]";
                    }

                    if ((Limit(button, "value", 2000, $"{at}/{side}") ?? Limit(button, "accessibility_label", 75, $"{at}/{side}")) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case "icon_button":
                if (Str(element, "icon") != "trash")
                {
                    return $"[ERROR] must be one of trash [json-pointer:{at}/icon]";
                }

                return element["text"] is not JsonObject
                    ? $"[ERROR] missing required field: text [json-pointer:{at}]"
                    : Limit(element, "value", 2000, at) ?? Limit(element, "accessibility_label", 75, at);
            case "static_select" or "multi_static_select" or "external_select" or "multi_external_select":
                return CheckSelect(element, at);
            default:
                return null;
        }
    }

    private static string? CheckSelect(JsonObject element, string at)
    {
        if (element["placeholder"] is JsonObject placeholder && Length(placeholder, "text") > 150)
        {
            return $"[ERROR] must be less than 151 characters [json-pointer:{at}/placeholder/text]";
        }

        var options = element["options"] as JsonArray;
        var groups = element["option_groups"] as JsonArray;
        if (options is not null && groups is not null)
        {
            return $"[ERROR] options and option_groups cannot both be set [json-pointer:{at}]";
        }

        if ((options ?? groups) is { Count: > 100 })
        {
            return $"[ERROR] no more than 100 items allowed [json-pointer:{at}/{(options is null ? "option_groups" : "options")}]";
        }

        var all = options?.OfType<JsonObject>() ?? (groups ?? []).OfType<JsonObject>().SelectMany(g => (g["options"] as JsonArray ?? []).OfType<JsonObject>());
        foreach (var option in all)
        {
            if (option["text"] is JsonObject text && Length(text, "text") > 75)
            {
                return $"[ERROR] option text must be less than 76 characters [json-pointer:{at}]";
            }

            if (Str(option, "value") is { Length: > 150 })
            {
                return $"[ERROR] option value must be less than 151 characters [json-pointer:{at}]";
            }
        }

        return null;
    }

    private static string? CheckTable(JsonObject block, string at)
    {
        if (block["rows"] is not JsonArray rows)
        {
            return $"[ERROR] missing required field: rows [json-pointer:{at}]";
        }

        if (rows.Count > 100)
        {
            return $"[ERROR] no more than 100 items allowed [json-pointer:{at}/rows]";
        }

        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r] is JsonArray { Count: > 20 })
            {
                return $"[ERROR] no more than 20 items allowed [json-pointer:{at}/rows/{r}]";
            }

            // Cells are raw_text or rich_text (docs.slack.dev/reference/block-kit/blocks/table-block).
            if (rows[r] is JsonArray cells)
            {
                for (var c = 0; c < cells.Count; c++)
                {
                    if (cells[c] is not JsonObject cell || Str(cell, "type") is not ("raw_text" or "rich_text"))
                    {
                        return $"[ERROR] must be a raw_text or rich_text cell [json-pointer:{at}/rows/{r}/{c}]";
                    }
                }
            }
        }

        return block["column_settings"] is JsonArray { Count: > 20 }
            ? $"[ERROR] no more than 20 items allowed [json-pointer:{at}/column_settings]"
            : null;
    }

    private static string? Limit(JsonObject owner, string name, int max, string at) =>
        Length(owner, name) > max ? $"[ERROR] must be less than {max + 1} characters [json-pointer:{at}/{name}]" : null;

    private static int Length(JsonObject owner, string name) => Str(owner, name)?.Length ?? 0;

    private static string? Str(JsonObject owner, string name) =>
        owner[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
