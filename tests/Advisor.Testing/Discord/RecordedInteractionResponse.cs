using System.Text.Json.Nodes;

namespace Advisor.Testing.Discord;

/// <summary>
/// One initial response to an interaction, as the emulator received it: by callback (<c>POST
/// /interactions/{id}/{token}/callback</c>, <see cref="Via"/> "callback") or in the HTTP answer to an interaction the
/// emulator POSTed (<see cref="Via"/> "inline"). <see cref="Type"/>: 4 CHANNEL_MESSAGE_WITH_SOURCE, 5 DEFERRED_CHANNEL_MESSAGE,
/// 6 DEFERRED_UPDATE_MESSAGE, 7 UPDATE_MESSAGE, 8 AUTOCOMPLETE_RESULT, 9 MODAL; <see cref="Data"/> as sent (flags kept).
/// </summary>
public sealed record RecordedInteractionResponse(string InteractionId, string Token, int Type, JsonObject? Data, string Via, DateTimeOffset At)
{
    /// <summary>data.flags (0 when none): 64 EPHEMERAL, 32768 IS_COMPONENTS_V2.</summary>
    public int Flags => Data?["flags"] is JsonValue v && v.TryGetValue<int>(out var f) ? f : 0;

    public bool Ephemeral => (Flags & 64) != 0;

    public bool ComponentsV2 => (Flags & 32768) != 0;
}
