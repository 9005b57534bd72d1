using Advisor.Core.Answers;

namespace Advisor.Core.Conversations;

/// <summary>A delivered turn, as handed to <see cref="IConversationStore.AppendTurnAsync"/>.</summary>
/// <param name="ConversationKey">The platform-scoped conversation (thread) key.</param>
/// <param name="Platform">"slack", "discord", "cli", …</param>
/// <param name="UserHash">The asker's salted hash (<see cref="UserHasher.Hash"/>), or null when there is no user id; never the raw id.</param>
/// <param name="Question">What the user asked.</param>
/// <param name="Answer">What is kept of the answer.</param>
/// <param name="Latency">From receiving the question to delivering the reply.</param>
public sealed record TurnRecord(
    string ConversationKey,
    string Platform,
    string? UserHash,
    string Question,
    TurnAnswer Answer,
    TimeSpan Latency)
{
    /// <summary>When the turn happened; the store's clock when null.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>
    /// The id to keep the turn under, when it was given out before the turn was kept (an answer rendered with a
    /// feedback button that names its turn); a new id when null.
    /// </summary>
    public TurnId? Id { get; init; }

    /// <summary>A turn for a delivered <paramref name="answer"/>; its text is kept only when <paramref name="keepAnswerText"/>.</summary>
    public static TurnRecord From(string conversationKey, string platform, string? userHash, string question, Answer answer, TimeSpan latency, bool keepAnswerText = true) =>
        new(conversationKey, platform, userHash, question, TurnAnswer.From(answer, keepAnswerText), latency);
}
