using System.Text.Json.Nodes;
using Advisor.Core.Roles;

namespace Advisor.Slack;

/// <summary>
/// The Slack app manifest (JSON, as "Create New App → From a manifest" takes it): the bot user, the slash commands with
/// their configured names, the bot scopes (computed from <see cref="SlackApiMethods"/>), the bot events, interactivity,
/// Socket Mode or Request URLs, and the agent view with suggested prompts drawn from the knowledge's roles.
/// Field limits from Slack's manifest schema (slackapi/manifest-schema, v1).
/// </summary>
public static class SlackManifest
{
    /// <summary>The app's name in Slack (display_information.name ≤35, bot_user.display_name ≤80).</summary>
    public const string AppName = "Advisor";

    /// <summary>The most suggested prompts the agent view takes.</summary>
    public const int MaxSuggestedPrompts = 4;

    private const string Description = "Career answers about AI roles, cited from your knowledge articles.";

    private const string AgentDescription =
        "Ask Advisor about AI roles: what they do, the skills and tools they need, and how two roles compare. Every answer cites the article section it rests on.";

    /// <summary>
    /// Builds the manifest. With <paramref name="httpBase"/> (e.g. https://advisor.example.com) the events, commands and
    /// interactivity go to its /slack/… Request URLs; without it Socket Mode is enabled and no URL is set.
    /// </summary>
    public static JsonObject Build(SlackCommandNames commands, IReadOnlyList<RoleInfo> roles, Uri? httpBase = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(roles);
        if (httpBase is not null && httpBase.Scheme != Uri.UriSchemeHttps && httpBase.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("The Request URL base must be an http(s) URL.", nameof(httpBase));
        }

        string? Url(string path) => httpBase is null ? null : new Uri(httpBase.AbsoluteUri.TrimEnd('/') + "/slack/" + path).AbsoluteUri;

        var slashCommands = new JsonArray();
        foreach (var (key, name) in commands.All)
        {
            var (description, hint) = CommandText(key);
            var command = new JsonObject { ["command"] = name };
            if (Url("commands") is { } url)
            {
                command["url"] = url;
            }

            command["description"] = description;
            if (hint is not null)
            {
                command["usage_hint"] = hint;
            }

            command["should_escape"] = true;
            slashCommands.Add(command);
        }

        var settings = new JsonObject
        {
            ["event_subscriptions"] = EventSubscriptions(Url("events")),
            ["interactivity"] = Url("interactivity") is { } interactivity
                ? new JsonObject { ["is_enabled"] = true, ["request_url"] = interactivity, ["message_menu_options_url"] = interactivity }
                : new JsonObject { ["is_enabled"] = true },
            ["org_deploy_enabled"] = false,
            ["socket_mode_enabled"] = httpBase is null,
            ["token_rotation_enabled"] = false,
        };

        return new JsonObject
        {
            ["_metadata"] = new JsonObject { ["major_version"] = 1, ["minor_version"] = 1 },
            ["display_information"] = new JsonObject { ["name"] = AppName, ["description"] = Description },
            ["features"] = new JsonObject
            {
                ["app_home"] = new JsonObject
                {
                    ["home_tab_enabled"] = false,
                    ["messages_tab_enabled"] = true,
                    ["messages_tab_read_only_enabled"] = false,
                },
                ["bot_user"] = new JsonObject { ["display_name"] = "advisor", ["always_online"] = true },
                ["agent_view"] = new JsonObject
                {
                    ["agent_description"] = AgentDescription,
                    ["suggested_prompts"] = new JsonArray([.. SuggestedPrompts(roles).Select(p => (JsonNode)new JsonObject { ["title"] = p.Title, ["message"] = p.Message })]),
                },
                ["slash_commands"] = slashCommands,
            },
            ["oauth_config"] = new JsonObject
            {
                ["scopes"] = new JsonObject { ["bot"] = new JsonArray([.. SlackApiMethods.BotScopes.Select(s => (JsonNode)JsonValue.Create(s))]) },
            },
            ["settings"] = settings,
        };
    }

    /// <summary>
    /// Up to four prompts from the catalog: what the first roles do and need, and a comparison of the first two
    /// (titles and messages short enough for any surface that shows them).
    /// </summary>
    public static IReadOnlyList<(string Title, string Message)> SuggestedPrompts(IReadOnlyList<RoleInfo> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        // Sentences about someone name the person ("an AI Researcher"), not the field ("an AI Research").
        var names = roles.Where(r => !string.IsNullOrWhiteSpace(r.Name)).Select(r => r.PersonName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var prompts = new List<(string, string)>();
        if (names.Count >= 2)
        {
            prompts.Add(($"Compare {names[0]} and {names[1]}", $"How does an {names[0]} compare with an {names[1]}?"));
        }

        foreach (var name in names.Take(2))
        {
            prompts.Add(($"Skills of an {name}", $"What skills does an {name} need?"));
        }

        if (names.Count >= 3)
        {
            prompts.Add(($"What an {names[2]} does", $"What does an {names[2]} do day to day?"));
        }

        if (prompts.Count < MaxSuggestedPrompts)
        {
            prompts.Add(("Roles Advisor knows", "Which roles can you tell me about?"));
        }

        return prompts.Take(MaxSuggestedPrompts).Select(p => (Article(p.Item1), Article(p.Item2))).ToList();
    }

    // "an AI …" is right; "an Data …" is not: the article follows the name's first sound as written.
    private static string Article(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\ban ([B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z])(?![A-Z])", "a $1", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static JsonObject EventSubscriptions(string? requestUrl)
    {
        var subscriptions = new JsonObject();
        if (requestUrl is not null)
        {
            subscriptions["request_url"] = requestUrl;
        }

        subscriptions["bot_events"] = new JsonArray([.. SlackApiMethods.Events.Select(e => (JsonNode)JsonValue.Create(e.Name))]);
        return subscriptions;
    }

    private static (string Description, string? Hint) CommandText(string key) => key switch
    {
        nameof(SlackCommandNames.Ask) => ("Ask Advisor a question about AI roles", "[question]"),
        nameof(SlackCommandNames.Compare) => ("Compare two roles, aspect by aspect (no arguments: pick them in a form)", "[role A] vs [role B] [aspect]"),
        nameof(SlackCommandNames.Roles) => ("List the roles Advisor knows", null),
        nameof(SlackCommandNames.Reload) => ("Reload the knowledge folder (admins)", null),
        nameof(SlackCommandNames.Gaps) => ("What users asked that the knowledge could not answer (admins)", "[7d | 24h | 2w]"),
        _ => (key, null),
    };
}
