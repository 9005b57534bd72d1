using System.Collections.Concurrent;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Discord.Tests;

/// <summary>
/// The real core, except that a question the test holds waits until the test releases it (a slow answer under the
/// test's control, with no clock involved).
/// </summary>
internal sealed class GatedAdvisor(IAdvisor inner) : IAdvisor
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Answer> _prepared = new(StringComparer.Ordinal);

    /// <summary>The questions that reached AskAsync, in order.</summary>
    public ConcurrentQueue<string> Entered { get; } = new();

    public KnowledgeSnapshot Knowledge => inner.Knowledge;

    public void Hold(string question) => _held[question] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string question) => _held[question].TrySetResult();

    /// <summary>Answers this question at once with an answer the real core gave earlier (a fast answer, for sure).</summary>
    public void Prepare(string question, Answer answer) => _prepared[question] = answer;

    public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
    {
        Entered.Enqueue(question.Text);
        if (_prepared.TryGetValue(question.Text, out var ready))
        {
            return ready;
        }

        if (_held.TryGetValue(question.Text, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return await inner.AskAsync(question, cancellationToken);
    }

    public IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, CancellationToken cancellationToken = default) =>
        inner.AskStreamingAsync(question, cancellationToken);

    public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

    public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

    public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
}
