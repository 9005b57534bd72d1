using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Core.Insights;

/// <summary>
/// The counts of a stretch of the question log, read one way everywhere (the Insights page, the weekly digest):
/// <see cref="Answered"/> is an answer, comparison or profile from the knowledge that did not abstain;
/// <see cref="Refused"/> a question the knowledge did not cover (off-topic, a role or topic the articles lack);
/// <see cref="ThumbsUp"/> and <see cref="ThumbsDown"/> the last feedback on any of them; <see cref="DislikedAnswers"/>
/// the answers rated 👎 (for the 👎 rate).
/// </summary>
public sealed record QuestionCounts(int Questions, int Answered, int Refused, int ThumbsUp, int ThumbsDown, int DislikedAnswers)
{
    /// <summary>All zero.</summary>
    public static QuestionCounts None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>True when the entry is an answer from the knowledge (not an abstention, small talk or a command).</summary>
    public static bool IsAnswer(QuestionLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return !entry.Abstained && entry.Kind is AnswerKind.Answer or AnswerKind.Comparison or AnswerKind.Profile;
    }

    /// <summary>Counts the entries.</summary>
    public static QuestionCounts Of(IEnumerable<QuestionLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        int questions = 0, answered = 0, refused = 0, up = 0, down = 0, dislikedAnswers = 0;
        foreach (var e in entries)
        {
            var isAnswer = IsAnswer(e);
            questions++;
            answered += isAnswer ? 1 : 0;
            refused += e.Abstained ? 1 : 0;
            up += e.Feedback?.Rating == FeedbackRating.Up ? 1 : 0;
            down += e.Feedback?.Rating == FeedbackRating.Down ? 1 : 0;
            dislikedAnswers += isAnswer && e.Feedback?.Rating == FeedbackRating.Down ? 1 : 0;
        }

        return new QuestionCounts(questions, answered, refused, up, down, dislikedAnswers);
    }
}
