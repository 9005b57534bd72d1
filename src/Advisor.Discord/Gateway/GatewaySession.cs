using System.Text.Json;
using System.Text.Json.Serialization;

namespace Advisor.Discord.Gateway;

/// <summary>
/// A shard's gateway session as its next holder resumes it: the session id, the resume URL READY gave, the sequence
/// number of the last event taken in, and the bot's user id from READY (a replica that only ever resumed sessions
/// never sees a READY, yet must know which mentions are of the bot). Kept with the shard's lease (<see cref="Core.Coordination.ILeaseStore.WriteNoteAsync"/>)
/// so a replica taking the shard over resumes instead of identifying, and Discord replays what it sent meanwhile.
/// </summary>
internal sealed record GatewaySession(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("resume_gateway_url")] string ResumeUrl,
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("user_id")] string? BotUserId)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The session a note holds, or null when the note is not one (another version wrote it, or it is damaged).</summary>
    public static GatewaySession? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<GatewaySession>(json) is { SessionId.Length: > 0, ResumeUrl.Length: > 0, Sequence: >= 0, Total: > 0 } session
                && Uri.TryCreate(session.ResumeUrl, UriKind.Absolute, out var url) && url.Scheme is "wss" or "ws"
                ? session
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
