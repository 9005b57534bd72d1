using Advisor.Core.Answers;
using Advisor.Core.Conversations;

namespace Advisor.Core.Turns;

/// <summary>
/// An answer on its way to a renderer: the answer with its citations, the question it answers (a slash command's
/// answer quotes it), and the id the turn will be kept under once the answer is delivered — assigned before sending,
/// so what is rendered (a feedback button, say) can refer to the turn.
/// </summary>
public readonly record struct TurnReply(TurnId TurnId, string Question, Answer Answer);
