using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Core.Turns;

/// <summary>
/// An answer on its way to a renderer: the answer with its citations, the question it answers (a slash command's
/// answer quotes it), and the id the turn will be kept under once the answer is delivered — assigned before sending,
/// so what is rendered (a feedback button, say) can refer to the turn.
/// </summary>
public readonly record struct TurnReply(TurnId TurnId, string Question, Answer Answer)
{
    private readonly IReadOnlyList<FollowUp>? _followUps;

    /// <summary>Up to three next questions to offer as buttons under the answer (<see cref="Answers.FollowUps"/>); may be empty.</summary>
    public IReadOnlyList<FollowUp> FollowUps
    {
        get => _followUps ?? [];
        init => _followUps = value;
    }

    /// <summary>True when the answer invites feedback (an answer from the knowledge, not small talk or a notice).</summary>
    public bool WantsFeedback => Answer.Kind is AnswerKind.Answer or AnswerKind.Comparison or AnswerKind.Profile
        or AnswerKind.UncoveredRole or AnswerKind.UncoveredTopic;
}
