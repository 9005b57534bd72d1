using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// The agent messaging experience (BRIEF-2 S1): assistant.threads.setSuggestedPrompts (<c>not_agent_app</c> when the
/// app is not an agent app; <c>thread_ts</c> "silently fails" for an agent app, so it is recorded as ignored),
/// agents.sessions.rename, and the app_home_opened / agent_session_stopped events as Slack sends them.
/// </summary>
public sealed partial class SlackEmulator
{
    private readonly List<(string Channel, JsonObject Body)> _suggestedPrompts = [];
    private readonly List<(string Channel, string? ThreadTs, string Title)> _renames = [];

    /// <summary>False: the app is not configured as an agent app (setSuggestedPrompts answers <c>not_agent_app</c>).</summary>
    public bool AgentApp { get; set; } = true;

    /// <summary>Suggested prompts set per DM channel, in order (calls with a thread_ts are ignored, as Slack does for agent apps).</summary>
    public IReadOnlyList<(string Channel, JsonObject Body)> SuggestedPrompts
    {
        get
        {
            lock (_gate)
            {
                return [.. _suggestedPrompts];
            }
        }
    }

    /// <summary>Accepted agents.sessions.rename calls, in order.</summary>
    public IReadOnlyList<(string Channel, string? ThreadTs, string Title)> Renames
    {
        get
        {
            lock (_gate)
            {
                return [.. _renames];
            }
        }
    }

    /// <summary>An app_home_opened event_callback (tab "messages" or "home") for a user's DM with the app.</summary>
    public static JsonObject AppHomeOpened(string user, string channel, string tab, string eventId) => new()
    {
        ["type"] = "event_callback",
        ["team_id"] = TeamId,
        ["api_app_id"] = AppId,
        ["event_id"] = eventId,
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = user, ["channel"] = channel, ["tab"] = tab, ["event_ts"] = NowTs() },
    };

    /// <summary>An agent_session_stopped event_callback: the user pressed Stop in a session thread.</summary>
    public static JsonObject AgentSessionStopped(string channel, string threadTs, string user, string eventId, params string[] streamingTs) => new()
    {
        ["type"] = "event_callback",
        ["team_id"] = TeamId,
        ["api_app_id"] = AppId,
        ["event_id"] = eventId,
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["event"] = new JsonObject
        {
            ["type"] = "agent_session_stopped",
            ["channel"] = channel,
            ["thread_ts"] = threadTs,
            ["user"] = user,
            ["streaming_message_ts"] = new JsonArray([.. streamingTs.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["event_ts"] = NowTs(),
        },
    };

    /// <summary>assistant.threads.setSuggestedPrompts: <c>channel_id</c>, <c>prompts</c> 1–4 of {title, message} (<c>invalid_arguments</c>).</summary>
    private JsonObject SetSuggestedPrompts(JsonObject body)
    {
        if (!AgentApp)
        {
            return Fail("not_agent_app");
        }

        var channel = ValidChannel((string?)body["channel_id"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        if (body["prompts"] is not JsonArray { Count: >= 1 and <= 4 } prompts
            || prompts.Any(p => p is not JsonObject o || string.IsNullOrEmpty((string?)o["title"]) || string.IsNullOrEmpty((string?)o["message"])))
        {
            return InvalidArguments("[ERROR] prompts takes 1 to 4 objects with a title and a message [json-pointer:/prompts]");
        }

        if (body["thread_ts"] is null)
        {
            lock (_gate)
            {
                _suggestedPrompts.Add((channel, body.DeepClone().AsObject()));
            }
        }

        return new JsonObject { ["ok"] = true };
    }

    /// <summary>agents.sessions.rename: <c>title</c> 1–200 (<c>invalid_name</c>), <c>channel_id</c>, <c>thread_ts</c>.</summary>
    private JsonObject RenameSession(JsonObject body)
    {
        var channel = ValidChannel((string?)body["channel_id"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        var title = (string?)body["title"];
        if (string.IsNullOrEmpty(title) || title.Length > 200)
        {
            return Fail("invalid_name");
        }

        lock (_gate)
        {
            _renames.Add((channel, (string?)body["thread_ts"], title));
        }

        return new JsonObject { ["ok"] = true };
    }
}
