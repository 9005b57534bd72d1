namespace Advisor.Core.Conversations;

/// <summary>What <see cref="IConversationStore.PurgeAsync"/> deleted.</summary>
/// <param name="LogEntries">Question log entries older than the retention.</param>
/// <param name="Turns">Conversation turns older than the retention or of conversations gone idle.</param>
/// <param name="Conversations">Conversations gone idle (or older than the retention).</param>
public sealed record PurgeResult(int LogEntries, int Turns, int Conversations);
