using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core.Roles;

namespace Advisor.Slack;

/// <summary>
/// The modal /compare opens when it is sent without arguments: two role selects with the catalog's roles as static
/// options (Block Kit: at most 100, text ≤75, value ≤150) and an optional aspect. Its private_metadata is the command's
/// response_url (valid 30 minutes), through which the submission's comparison is posted.
/// </summary>
public static class SlackCompareModal
{
    /// <summary>The modal's callback_id.</summary>
    public const string CallbackId = "advisor_compare";

    /// <summary>block_id of the first role's select.</summary>
    public const string RoleABlockId = "role_a";

    /// <summary>block_id of the second role's select.</summary>
    public const string RoleBBlockId = "role_b";

    /// <summary>block_id of the optional aspect input.</summary>
    public const string AspectBlockId = "aspect";

    /// <summary>action_id of the element in each block.</summary>
    public const string ActionId = "value";

    /// <summary>Options a static_select takes at most.</summary>
    public const int MaxOptions = 100;

    /// <summary>The error shown under the second select when both name the same role.</summary>
    public const string SameRoleError = "Pick a different role from the first one.";

    /// <summary>The modal view for views.open.</summary>
    public static JsonObject View(IReadOnlyList<RoleInfo> roles, string responseUrl)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var options = roles.Select(r => r.Name).Where(n => n.Length is > 0 and <= 75).Distinct(StringComparer.Ordinal).Take(MaxOptions).ToList();
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["private_metadata"] = responseUrl,
            ["title"] = PlainText("Compare two roles"),
            ["submit"] = PlainText("Compare"),
            ["close"] = PlainText("Cancel"),
            ["blocks"] = new JsonArray(
                Select(RoleABlockId, "First role", options),
                Select(RoleBBlockId, "Second role", options),
                new JsonObject
                {
                    ["type"] = "input",
                    ["block_id"] = AspectBlockId,
                    ["optional"] = true,
                    ["label"] = PlainText("Aspect (optional)"),
                    ["hint"] = PlainText("e.g. skills, tools, education; leave empty for every aspect"),
                    ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = ActionId, ["max_length"] = 100 },
                }),
        };
    }

    /// <summary>The submitted roles and aspect, read from view.state.values; null roles when not chosen.</summary>
    public static (string? RoleA, string? RoleB, string? Aspect) Read(JsonElement view)
    {
        if (!view.TryGetProperty("state", out var state) || !state.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        string? Value(string block, bool select)
        {
            if (!values.TryGetProperty(block, out var b) || b.ValueKind != JsonValueKind.Object || !b.TryGetProperty(ActionId, out var element)
                || element.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (select)
            {
                return element.TryGetProperty("selected_option", out var option) && option.ValueKind == JsonValueKind.Object
                    && option.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            }

            return element.TryGetProperty("value", out var text) && text.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(text.GetString())
                ? text.GetString()!.Trim()
                : null;
        }

        return (Value(RoleABlockId, select: true), Value(RoleBBlockId, select: true), Value(AspectBlockId, select: false));
    }

    private static JsonObject Select(string blockId, string label, IReadOnlyList<string> roles) => new()
    {
        ["type"] = "input",
        ["block_id"] = blockId,
        ["label"] = PlainText(label),
        ["element"] = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = ActionId,
            ["placeholder"] = PlainText("Choose a role"),
            ["options"] = new JsonArray([.. roles.Select(r => (JsonNode)new JsonObject { ["text"] = PlainText(r), ["value"] = r })]),
        },
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
