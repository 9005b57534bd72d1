namespace Advisor.Core.Conversations;

/// <summary>A conversation whose last kept turn cited a section (see <see cref="IConversationStore.FindLastCitingAsync"/>).</summary>
/// <param name="ConversationKey">The conversation's key ("slack:T…:C…:1712….000100", "discord:…").</param>
/// <param name="LastTurn">Its last kept turn.</param>
/// <param name="LastActive">When it was last active.</param>
/// <param name="SectionIds">The sections that turn cited, best first.</param>
public sealed record CitingConversation(string ConversationKey, TurnId LastTurn, DateTimeOffset LastActive, IReadOnlyList<string> SectionIds)
{
    /// <summary>The platform the key names: the part before its first ':' ("slack", "discord", "web").</summary>
    public string Platform => ConversationKey.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? ConversationKey[..colon] : ConversationKey;
}
