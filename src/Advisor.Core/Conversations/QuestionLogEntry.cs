using Advisor.Core.Answers;

namespace Advisor.Core.Conversations;

/// <summary>One question log entry: what is kept of a turn for looking back at the bot's answers.</summary>
/// <param name="Id">The turn's id.</param>
/// <param name="At">When the turn was recorded.</param>
/// <param name="Platform">Where it was asked.</param>
/// <param name="UserHash">The asker's salted hash, or null.</param>
/// <param name="Question">What was asked.</param>
/// <param name="Kind">The kind of reply.</param>
/// <param name="Abstained">True when the knowledge did not cover the question.</param>
/// <param name="AbstentionReason">Why, when abstained ("off-topic", "uncovered-role: data analyst").</param>
/// <param name="SectionIds">Cited section ids, best first.</param>
/// <param name="KnowledgeVersion">The knowledge snapshot that answered.</param>
/// <param name="Latency">From receiving the question to delivering the reply.</param>
/// <param name="Feedback">The last feedback given, if any.</param>
/// <param name="FeedbackAt">When it was given.</param>
public sealed record QuestionLogEntry(
    TurnId Id,
    DateTimeOffset At,
    string Platform,
    string? UserHash,
    string Question,
    AnswerKind Kind,
    bool Abstained,
    string? AbstentionReason,
    IReadOnlyList<string> SectionIds,
    string KnowledgeVersion,
    TimeSpan Latency,
    TurnFeedback? Feedback,
    DateTimeOffset? FeedbackAt);
