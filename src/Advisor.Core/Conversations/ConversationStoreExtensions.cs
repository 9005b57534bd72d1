namespace Advisor.Core.Conversations;

/// <summary>Helpers on <see cref="IConversationStore"/>.</summary>
public static class ConversationStoreExtensions
{
    /// <summary>The recent turns of a conversation as the core's follow-up reading takes them (<c>AdvisorQuestion.History</c>).</summary>
    public static async Task<IReadOnlyList<Answers.ConversationTurn>> HistoryAsync(this IConversationStore store, string conversationKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var turns = await store.RecentTurnsAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        return turns.Select(t => t.ToConversationTurn()).ToArray();
    }
}
