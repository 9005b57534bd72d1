using Advisor.Core.Hosting;
using System.Runtime.CompilerServices;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Host.Operations;

/// <summary>
/// The <see cref="IAdvisor"/> the host hands to adapters: a decorator counting every question being composed on the
/// <see cref="QuestionGate"/>, so shutdown waits for it. Whether to take new work after shutdown began is the intake's
/// decision (the adapters ask <see cref="QuestionGate.Accepting"/>); a question asked is answered.
/// </summary>
internal sealed class DrainingAdvisor(IAdvisor inner, QuestionGate gate) : IAdvisor
{
    public KnowledgeSnapshot Knowledge => inner.Knowledge;

    public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
    {
        using var held = gate.Hold();
        return await inner.AskAsync(question, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var held = gate.Hold();
        await foreach (var update in inner.AskStreamingAsync(question, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

    public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

    public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
}
