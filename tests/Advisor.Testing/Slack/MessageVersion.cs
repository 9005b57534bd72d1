using System.Text.Json.Nodes;

namespace Advisor.Testing.Slack;

/// <summary>
/// One version of a stored message, in its history: as posted (<c>chat.postMessage</c>, <c>chat.startStream</c>), then
/// each change (<c>chat.appendStream</c>, <c>chat.stopStream</c>, <c>chat.update</c>, <c>response_url</c>), the
/// message as it was after that change. <see cref="Deleted"/> marks a <c>delete_original</c>.
/// </summary>
public sealed record MessageVersion(string Source, JsonObject Message, DateTimeOffset At, bool Deleted = false)
{
    /// <summary>The message's text in this version.</summary>
    public string Text => (string?)Message["text"] ?? "";
}
