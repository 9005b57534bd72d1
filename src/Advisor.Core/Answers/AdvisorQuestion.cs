namespace Advisor.Core.Answers;

/// <summary>A question normalized by a front end.</summary>
/// <param name="Text">What the user asked, with the platform's mention of the bot already removed.</param>
/// <param name="History">Earlier turns of the same conversation (oldest first); may be empty.</param>
/// <param name="Platform">Where it came from ("cli", "slack", "discord"), for metrics and logs.</param>
/// <param name="ConversationId">A platform-scoped id of the conversation (thread), if any.</param>
/// <param name="UserId">A platform-scoped id of the asker, if any.</param>
public sealed record AdvisorQuestion(
    string Text,
    IReadOnlyList<ConversationTurn> History,
    string Platform = "cli",
    string? ConversationId = null,
    string? UserId = null)
{
    /// <summary>The longest question accepted, in characters.</summary>
    public const int MaxLength = 4000;

    public static AdvisorQuestion Simple(string text) => new(text, []);
}

/// <summary>One earlier exchange of a conversation.</summary>
public sealed record ConversationTurn(string Question, Answer? Answer);
