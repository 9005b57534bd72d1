namespace Advisor.Testing.Slack;

/// <summary>How <c>agents.sessions.setStatus</c> answers: as for an agent app, or as for an app that cannot use it.</summary>
public enum AgentSessionsSupport
{
    /// <summary>The method works (the app is an agent with the scope).</summary>
    Available,

    /// <summary><c>{"ok":false,"error":"missing_scope","needed":…,"provided":…}</c>.</summary>
    MissingScope,

    /// <summary><c>{"ok":false,"error":"unknown_method"}</c> (a workspace without the method).</summary>
    UnknownMethod,
}
