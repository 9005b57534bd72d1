namespace Advisor.Core.Conversations;

/// <summary>What <see cref="IConversationStore.ForgetUserAsync"/> deleted.</summary>
/// <param name="LogEntries">Question log entries removed.</param>
/// <param name="Turns">Conversation turns removed.</param>
public sealed record ForgetResult(int LogEntries, int Turns);
