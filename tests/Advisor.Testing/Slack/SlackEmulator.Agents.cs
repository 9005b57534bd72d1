using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// Progress: assistant.threads.setStatus and agents.sessions.setStatus (BRIEF-2 S1; the slack-api-ref scrape of their
/// arguments and errors), a switch that makes the latter unavailable, and methods refused on demand.
/// </summary>
public sealed partial class SlackEmulator
{
    /// <summary>The scopes the emulator's bot token has, as a <c>missing_scope</c> answer reports them in <c>provided</c>.</summary>
    public const string ProvidedScopes = "app_mentions:read,channels:history,chat:write,commands,im:history,reactions:write,users:read";

    private readonly List<SlackStatusUpdate> _statuses = [];
    private readonly ConcurrentDictionary<string, string> _refusals = new(StringComparer.Ordinal);

    /// <summary>
    /// How agents.sessions.setStatus answers: <see cref="AgentSessionsSupport.Available"/> (default),
    /// <see cref="AgentSessionsSupport.MissingScope"/> (<c>missing_scope</c>, needed <c>assistant:write</c>) or
    /// <see cref="AgentSessionsSupport.UnknownMethod"/> (<c>unknown_method</c>), to test the fallbacks.
    /// </summary>
    public AgentSessionsSupport AgentSessions { get; set; } = AgentSessionsSupport.Available;

    /// <summary>
    /// False: agents.sessions.setStatus succeeds with the warning <c>missing_agent_session_stopped_event_subscription</c>
    /// (the app does not subscribe to agent_session_stopped, so users get no Stop button).
    /// </summary>
    public bool AgentSessionStoppedSubscribed { get; set; } = true;

    /// <summary>Session channels (channel-level agent sessions): agents.sessions.setStatus there takes no <c>thread_ts</c>.</summary>
    public ConcurrentDictionary<string, bool> SessionChannels { get; } = new(StringComparer.Ordinal);

    /// <summary>Accepted status calls of both methods, in order.</summary>
    public IReadOnlyList<SlackStatusUpdate> StatusUpdates
    {
        get
        {
            lock (_gate)
            {
                return [.. _statuses];
            }
        }
    }

    /// <summary>
    /// A method answers <c>{"ok":false,"error":<paramref name="error"/>}</c> (after the token check) until refused with
    /// null; <c>missing_scope</c> also carries <c>needed</c> and <c>provided</c>. E.g. <c>Refuse("chat.startStream", "messages_tab_disabled")</c>.
    /// </summary>
    public void Refuse(string method, string? error)
    {
        if (error is null)
        {
            _refusals.TryRemove(method, out _);
        }
        else
        {
            _refusals[method] = error;
        }
    }

    /// <summary>
    /// The loading status a user sees in a thread now (assistant.threads.setStatus): the last one set, unless it was
    /// cleared ("") or the bot posted or started a stream in the thread since (a reply clears it); null when none.
    /// </summary>
    public string? AssistantStatus(string channel, string threadTs)
    {
        lock (_gate)
        {
            var last = _statuses.LastOrDefault(s => s.Method == "assistant.threads.setStatus" && s.Channel == channel && s.ThreadTs == threadTs);
            if (last is null || last.Status.Length == 0)
            {
                return null;
            }

            var replied = _messages.Any(m => m.Channel == channel && m.ThreadTs == threadTs && _history[(m.Channel, m.Ts)][0].At >= last.At);
            return replied ? null : last.Status;
        }
    }

    /// <summary>The last agents.sessions.setStatus status for a thread (or, with a null thread, a session channel), or null.</summary>
    public string? AgentSessionStatus(string channel, string? threadTs)
    {
        lock (_gate)
        {
            return _statuses.LastOrDefault(s => s.Method == "agents.sessions.setStatus" && s.Channel == channel && s.ThreadTs == threadTs)?.Status;
        }
    }

    private JsonObject? Refusal(string method)
    {
        var error = method == "agents.sessions.setStatus"
            ? AgentSessions switch
            {
                AgentSessionsSupport.MissingScope => "missing_scope",
                AgentSessionsSupport.UnknownMethod => "unknown_method",
                _ => null,
            }
            : null;
        if (error is null && !_refusals.TryGetValue(method, out error))
        {
            return null;
        }

        return error switch
        {
            "missing_scope" => Fail(error, new JsonObject { ["needed"] = method.StartsWith("agents.", StringComparison.Ordinal) || method.StartsWith("assistant.", StringComparison.Ordinal) ? "assistant:write" : "chat:write", ["provided"] = ProvidedScopes }),
            "unknown_method" => Fail(error, new JsonObject { ["req_method"] = method }),
            _ => Fail(error),
        };
    }

    /// <summary>
    /// assistant.threads.setStatus: <c>channel_id</c> (<c>channel_not_found</c>), <c>thread_ts</c> (<c>invalid_thread_ts</c>),
    /// <c>status</c> (no error of its own: <c>invalid_arguments</c>), <c>loading_messages</c> 1–10 of 1–50 characters.
    /// </summary>
    private JsonObject SetAssistantStatus(JsonObject body)
    {
        var channel = ValidChannel((string?)body["channel_id"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        var thread = (string?)body["thread_ts"];
        if (string.IsNullOrEmpty(thread))
        {
            return Fail("invalid_thread_ts");
        }

        if (body["status"] is not JsonValue statusValue || !statusValue.TryGetValue<string>(out var status))
        {
            return InvalidArguments("[ERROR] missing required field: status");
        }

        if (body["loading_messages"] is { } loading
            && (loading is not JsonArray { Count: >= 1 and <= 10 } messages
                || messages.Any(m => m is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length is 0 or > 50)))
        {
            return InvalidArguments("[ERROR] loading_messages takes 1 to 10 strings of 1 to 50 characters [json-pointer:/loading_messages]");
        }

        Record("assistant.threads.setStatus", channel, thread, status, body);
        return new JsonObject { ["ok"] = true };
    }

    /// <summary>
    /// agents.sessions.setStatus: <c>channel_id</c> (<c>channel_not_found</c>), <c>status</c> one of active, processing,
    /// suspended, closed (<c>invalid_status</c>), <c>thread_ts</c> required except in <see cref="SessionChannels"/>, where
    /// it is refused (<c>thread_ts_required</c> / <c>thread_ts_not_allowed</c>). Answers <c>{ok, status, agent_status, title}</c>.
    /// </summary>
    private JsonObject SetAgentStatus(JsonObject body)
    {
        var channel = ValidChannel((string?)body["channel_id"]);
        if (channel is null)
        {
            return Fail("channel_not_found");
        }

        var status = body["status"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (status is not ("active" or "processing" or "suspended" or "closed"))
        {
            return Fail("invalid_status");
        }

        var thread = (string?)body["thread_ts"];
        var sessionChannel = SessionChannels.ContainsKey(channel);
        if (sessionChannel && thread is not null)
        {
            return Fail("thread_ts_not_allowed");
        }

        if (!sessionChannel && string.IsNullOrEmpty(thread))
        {
            return Fail("thread_ts_required");
        }

        if (((string?)body["title"])?.Length > 200 || ((string?)body["username"])?.Length > 200)
        {
            return InvalidArguments("[ERROR] must be less than 201 characters [json-pointer:/title]");
        }

        string? title;
        lock (_gate)
        {
            // The title is used only when the call creates the session.
            var first = _statuses.FirstOrDefault(u => u.Method == "agents.sessions.setStatus" && u.Channel == channel && u.ThreadTs == thread);
            title = first is null ? (string?)body["title"] : (string?)first.Body["title"];
            Record("agents.sessions.setStatus", channel, thread, status, body);
        }

        var answer = new JsonObject { ["ok"] = true, ["status"] = status, ["agent_status"] = status };
        if (title is not null)
        {
            answer["title"] = title;
        }

        if (!AgentSessionStoppedSubscribed)
        {
            answer["warning"] = "missing_agent_session_stopped_event_subscription";
        }

        return answer;
    }

    private void Record(string method, string channel, string? thread, string status, JsonObject body)
    {
        lock (_gate)
        {
            _statuses.Add(new SlackStatusUpdate(method, channel, thread, status, body.DeepClone().AsObject(), DateTimeOffset.UtcNow));
        }
    }
}
