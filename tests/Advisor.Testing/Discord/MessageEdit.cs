using System.Text.Json.Nodes;

namespace Advisor.Testing.Discord;

/// <summary>
/// One accepted edit of a message: <see cref="Route"/> is "channel" (PATCH /channels/{id}/messages/{id}), "@original"
/// (PATCH /webhooks/{app}/{token}/messages/@original), "webhook" (PATCH …/messages/{id}) or "callback 7"
/// (UPDATE_MESSAGE); <see cref="Body"/> as sent, <see cref="After"/> the whole message after it (flags included).
/// </summary>
public sealed record MessageEdit(string Route, string MessageId, JsonObject Body, JsonObject After, DateTimeOffset At)
{
    /// <summary>The message's flags after the edit (0 when none).</summary>
    public int Flags => After["flags"] is JsonValue v && v.TryGetValue<int>(out var f) ? f : 0;
}
