namespace Advisor.Core.Conversations;

/// <summary>The conversations a query found (up to its limit, most recently active first) and how many matched in all.</summary>
/// <param name="Conversations">Those returned.</param>
/// <param name="Total">All that matched, the ones over the limit included.</param>
public sealed record CitingConversations(IReadOnlyList<CitingConversation> Conversations, int Total)
{
    /// <summary>Matched but not returned (over the limit).</summary>
    public int OverLimit => Math.Max(0, Total - Conversations.Count);

    /// <summary>None found.</summary>
    public static CitingConversations None { get; } = new([], 0);
}
