using Advisor.Core.Answers;

namespace Advisor.Core.Conversations;

/// <summary>The stored names of <see cref="AnswerKind"/> ("answer", "uncovered-role", …; the names <c>ask --json</c> prints).</summary>
public static class AnswerKindNames
{
    /// <summary>The name of a kind.</summary>
    public static string Name(AnswerKind kind) => kind switch
    {
        AnswerKind.UncoveredRole => "uncovered-role",
        AnswerKind.UncoveredTopic => "uncovered-topic",
        AnswerKind.OffTopic => "off-topic",
        AnswerKind.SmallTalk => "small-talk",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The kind a stored name stands for; <see cref="AnswerKind.Answer"/> for a name this version does not know.</summary>
    public static AnswerKind Parse(string? name) =>
        Enum.GetValues<AnswerKind>().FirstOrDefault(k => string.Equals(Name(k), name, StringComparison.Ordinal));
}
