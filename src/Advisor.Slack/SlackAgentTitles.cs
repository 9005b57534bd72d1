using Advisor.Core.Answers;

namespace Advisor.Slack;

/// <summary>
/// Titles of agent sessions (agents.sessions.setStatus <c>title</c>, agents.sessions.rename; at most 200 characters,
/// BRIEF-2 S1): the first words of the question when an answer starts, the roles and aspect an answer is about when
/// the thread's topic changes.
/// </summary>
internal static class SlackAgentTitles
{
    /// <summary>The longest title Slack takes.</summary>
    public const int MaxLength = 200;

    /// <summary>How much of the question a title keeps (short enough to read in the session list).</summary>
    public const int QuestionLength = 80;

    /// <summary>The question's first words (at most <see cref="QuestionLength"/> characters, cut at a word), or null when it is empty.</summary>
    public static string? FromQuestion(string? question)
    {
        var text = string.Join(' ', (question ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : Cut(text, QuestionLength);
    }

    /// <summary>"AI Architect: skills", "AI Architect vs AI Scientist: tools"; null when the answer is about no role.</summary>
    public static string? FromAnswer(Answer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Roles.Count == 0)
        {
            return null;
        }

        var roles = string.Join(answer.Kind == AnswerKind.Comparison ? " vs " : ", ", answer.Roles);
        return Cut(string.IsNullOrWhiteSpace(answer.Aspect) ? roles : $"{roles}: {answer.Aspect}", MaxLength);
    }

    /// <summary>True when two answers' roles are the same set (order and case aside).</summary>
    public static bool SameRoles(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b) =>
        a.Count == b.Count && a.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(b);

    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', max - 1);
        return (cut > max / 2 ? text[..cut] : text[..(max - 1)]).TrimEnd() + "…";
    }
}
