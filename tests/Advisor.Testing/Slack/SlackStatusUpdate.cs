using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// One accepted status call: <c>assistant.threads.setStatus</c> (status is the loading text, "" clears it) or
/// <c>agents.sessions.setStatus</c> (active | processing | suspended | closed), with the whole body.
/// </summary>
public sealed record SlackStatusUpdate(string Method, string Channel, string? ThreadTs, string Status, JsonObject Body, DateTimeOffset At);
