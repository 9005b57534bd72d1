using System.Runtime.CompilerServices;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Host.Operations;

/// <summary>
/// The <see cref="IAdvisor"/> the host hands to adapters: a decorator putting the core's <see cref="IAdvisor"/> behind a <see cref="QuestionGate"/>.
/// Once shutdown begins a new question gets a polite "restarting" answer instead of starting work that could be cut off.
/// </summary>
internal sealed class DrainingAdvisor(IAdvisor inner, QuestionGate gate, PlatformMetrics metrics) : IAdvisor
{
    public const string RefusalText = "Advisor is restarting and can't take new questions right now. Please ask again in a minute.";

    public KnowledgeSnapshot Knowledge => inner.Knowledge;

    public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
    {
        if (!gate.TryEnter())
        {
            return Refuse(question);
        }

        try
        {
            return await inner.AskAsync(question, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Exit();
        }
    }

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!gate.TryEnter())
        {
            var refusal = Refuse(question);
            yield return new AnswerUpdate(refusal.Text, refusal);
            yield break;
        }

        try
        {
            await foreach (var update in inner.AskStreamingAsync(question, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

    public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

    public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);

    private Answer Refuse(AdvisorQuestion question)
    {
        // Validation still comes first, so an adapter sees the same InvalidQuestionException as always.
        if (QuestionValidation.Problem(question.Text) is { } problem)
        {
            throw new InvalidQuestionException(problem);
        }

        metrics.Refused(question.Platform, "shutting_down");
        return new Answer
        {
            Text = RefusalText,
            Citations = [],
            Abstained = true,
            Composer = "shutdown",
            Note = "shutting down",
            KnowledgeVersion = inner.Knowledge.Version,
        };
    }
}
