using System.Runtime.CompilerServices;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Discord.Tests;

/// <summary>
/// A model, as far as the adapter can tell: the real core's answer, streamed as text deltas (the answer's text in
/// <see cref="Chunks"/> pieces, <see cref="Delay"/> apart) and then the final answer with its citations — or, with
/// <see cref="FailAfter"/>, a failure after that many deltas.
/// </summary>
internal sealed class ScriptedStreamingAdvisor(IAdvisor inner) : IAdvisor
{
    public int Chunks { get; set; } = 10;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(250);

    public int? FailAfter { get; set; }

    public KnowledgeSnapshot Knowledge => inner.Knowledge;

    /// <summary>The final answer given last (what the final message must render).</summary>
    public Answer? LastFinal { get; private set; }

    public Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default) => inner.AskAsync(question, cancellationToken);

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var answer = (await inner.AskAsync(question, cancellationToken)) with { Composer = "model" };
        var size = Math.Max(1, (answer.Text.Length + Chunks - 1) / Chunks);
        var sent = 0;
        for (var at = 0; at < answer.Text.Length; at += size)
        {
            await Task.Delay(Delay, cancellationToken);
            if (FailAfter is { } n && sent == n)
            {
                throw new InvalidOperationException("the model stopped answering");
            }

            yield return new AnswerUpdate(answer.Text.Substring(at, Math.Min(size, answer.Text.Length - at)));
            sent++;
        }

        LastFinal = answer;
        yield return new AnswerUpdate("", answer);
    }

    public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

    public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

    public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

    public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
}
