using System.Collections.Frozen;

namespace Advisor.Slack;

/// <summary>A Slack Web API method, event or feature the adapter uses, with the bot scopes it needs and why.</summary>
/// <param name="Name">The method ("chat.postMessage"), the manifest's bot event ("message.im") or the feature ("slash_commands").</param>
/// <param name="Scopes">The bot scopes it needs (empty: none). For conversations.* Slack takes the one scope of the conversation's kind; all are listed.</param>
/// <param name="Why">What the adapter does with it (docs/slack.md justifies each scope from this).</param>
public sealed record SlackScopeUse(string Name, IReadOnlyList<string> Scopes, string Why);

/// <summary>
/// The one place that says which Slack Web API methods the adapter calls, which events it subscribes to and which
/// features it declares, with the bot scopes each needs (from each method's reference page,
/// docs.slack.dev/reference/methods/…). <see cref="SlackApiClient"/> refuses to call a method that is not listed here,
/// and the manifest's <c>oauth_config.scopes.bot</c> (<see cref="SlackManifest"/>) is computed from it, so the app
/// asks for every scope the code needs and no other.
/// </summary>
public static class SlackApiMethods
{
    /// <summary>The Web API methods called with the bot token (apps.connections.open uses the app-level token: scope connections:write, not a bot scope).</summary>
    public static IReadOnlyList<SlackScopeUse> Methods { get; } =
    [
        new("auth.test", [], "learn the bot's own user id at start (to tell mentions of itself)"),
        new("chat.postMessage", ["chat:write"], "post answers, notices and shared answers"),
        new("chat.update", ["chat:write"], "replace a streamed or interim answer with the final one"),
        new("chat.startStream", ["chat:write"], "stream a model-written answer into its thread"),
        new("chat.appendStream", ["chat:write"], "append to a streaming answer"),
        new("chat.stopStream", ["chat:write"], "finish a streaming answer with its citations and feedback buttons"),
        new("assistant.threads.setStatus", ["chat:write"], "the \"is thinking…\" status in an assistant thread while an answer is composed"),
        new("assistant.threads.setSuggestedPrompts", ["assistant:write"], "suggested prompts in the Messages tab when a user opens it (agent apps)"),
        new("agents.sessions.setStatus", ["chat:write"], "the agent session's status (processing, with a title from the question, while an answer is composed, then active)"),
        new("agents.sessions.rename", ["chat:write"], "rename the agent session when the thread's topic (the roles asked about) changes"),
        new("reactions.add", ["reactions:write"], "the thinking reaction while an answer is composed (where the status is not available)"),
        new("reactions.remove", ["reactions:write"], "remove the thinking reaction when the answer is posted"),
        new("conversations.history", ["channels:history", "groups:history", "im:history", "mpim:history"],
            "read a top-level conversation back after a post whose outcome is unknown, so nothing is posted twice"),
        new("conversations.replies", ["channels:history", "groups:history", "im:history", "mpim:history"],
            "read a thread back after a post whose outcome is unknown, so nothing is posted twice"),
        new("users.info", ["users:read"], "check is_admin / is_owner for the admin commands (/reload, /gaps)"),
        new("views.open", [], "open the /compare modal with its two role selects"),
    ];

    /// <summary>The bot events the adapter subscribes to (the manifest's settings.event_subscriptions.bot_events).</summary>
    public static IReadOnlyList<SlackScopeUse> Events { get; } =
    [
        new("app_mention", ["app_mentions:read"], "answer @Advisor mentions"),
        new("message.channels", ["channels:history"], "follow-ups in public-channel threads without a new mention"),
        new("message.groups", ["groups:history"], "follow-ups in private-channel threads without a new mention"),
        new("message.im", ["im:history"], "answer direct messages"),
        new("app_home_opened", [], "welcome a user who opens the Messages tab with suggested prompts"),
        new("agent_session_stopped", ["chat:write"], "the user pressed Stop: stop composing and say so"),
    ];

    /// <summary>Manifest features that need a scope of their own.</summary>
    public static IReadOnlyList<SlackScopeUse> Features { get; } =
    [
        new("slash_commands", ["commands"], "the slash commands (/ask, /compare, /roles, /reload, /gaps)"),
        new("agent_view", ["assistant:write"], "the agent messaging experience (Slack adds this scope to an app that declares agent_view)"),
    ];

    private static readonly FrozenSet<string> Known = Methods.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every bot scope the methods, events and features need, sorted, each once.</summary>
    public static IReadOnlyList<string> BotScopes { get; } =
        Methods.Concat(Events).Concat(Features).SelectMany(u => u.Scopes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>True when the adapter declares that it calls <paramref name="method"/>.</summary>
    public static bool IsKnown(string method) => Known.Contains(method);

    /// <summary>Throws when <paramref name="method"/> is not in <see cref="Methods"/>: the manifest would not ask for its scope.</summary>
    internal static void Require(string method)
    {
        if (!Known.Contains(method))
        {
            throw new InvalidOperationException(
                $"Slack method {method} is not in SlackApiMethods.Methods; add it there with its scope so the manifest asks for it.");
        }
    }
}
