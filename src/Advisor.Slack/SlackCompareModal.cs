using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core.Roles;

namespace Advisor.Slack;

/// <summary>
/// The modal /compare opens when it is sent without arguments: two role selects with the catalog's roles as static
/// options (Block Kit: at most 100, text ≤75, value ≤150) and an optional aspect. Its private_metadata is the command's
/// response_url (valid 30 minutes), through which the submission's comparison is posted. A catalog of more than 100
/// roles gets two <c>external_select</c>s (<c>min_query_length</c> 1) instead: Slack then asks for the options with
/// <c>block_suggestion</c> payloads, answered by <see cref="Suggestions"/>.
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

    /// <summary>Characters an option's text takes at most.</summary>
    public const int MaxOptionText = 75;

    /// <summary>The error shown under the second select when both name the same role.</summary>
    public const string SameRoleError = "Pick a different role from the first one.";

    /// <summary>The modal view for views.open.</summary>
    public static JsonObject View(IReadOnlyList<RoleInfo> roles, string responseUrl)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var names = Names(roles).ToList();
        var external = names.Count > MaxOptions;
        var options = external ? null : names;
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

    /// <summary>
    /// The answer to a <c>block_suggestion</c> from one of the modal's external_selects: <c>{"options":[…]}</c>, at most
    /// 100, each the role's name as text and value.
    /// </summary>
    public static JsonObject Suggestions(IReadOnlyList<RoleInfo> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return new JsonObject { ["options"] = Options(Names(roles).Take(MaxOptions)) };
    }

    private static IEnumerable<string> Names(IEnumerable<RoleInfo> roles) =>
        roles.Select(r => r.Name).Where(n => n.Length is > 0 and <= MaxOptionText).Distinct(StringComparer.Ordinal);

    private static JsonArray Options(IEnumerable<string> roles) =>
        new([.. roles.Select(r => (JsonNode)new JsonObject { ["text"] = PlainText(r), ["value"] = r })]);

    /// <summary>A role select: static with <paramref name="roles"/> as its options, or external when null.</summary>
    private static JsonObject Select(string blockId, string label, IReadOnlyList<string>? roles)
    {
        var element = new JsonObject
        {
            ["type"] = roles is null ? "external_select" : "static_select",
            ["action_id"] = ActionId,
            ["placeholder"] = PlainText(roles is null ? "Type to search the roles" : "Choose a role"),
        };
        if (roles is null)
        {
            element["min_query_length"] = 1;
        }
        else
        {
            element["options"] = Options(roles);
        }

        return new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = blockId,
            ["label"] = PlainText(label),
            ["element"] = element,
        };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
