using Advisor.Core.Answers;

namespace Advisor.Core.Conversations;

/// <summary>A turn of a conversation's history, as the store returns it.</summary>
/// <param name="Id">The turn's id.</param>
/// <param name="At">When it was recorded.</param>
/// <param name="Question">What was asked.</param>
/// <param name="Answer">What is kept of the answer.</param>
public sealed record StoredTurn(TurnId Id, DateTimeOffset At, string Question, TurnAnswer Answer)
{
    /// <summary>The turn as the core's follow-up reading takes it.</summary>
    public ConversationTurn ToConversationTurn() => new(Question, Answer.ToAnswer());
}
