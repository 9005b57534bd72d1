using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Core;

/// <summary>
/// The platform-neutral entry point every front end (command line, Slack, Discord) calls.
/// Data flows one way: a normalized <see cref="AdvisorQuestion"/> in, an <see cref="Answer"/> with citations out.
/// </summary>
public interface IAdvisor
{
    /// <summary>Answers a question, leaning on the previous turns of its conversation.</summary>
    Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default);

    /// <summary>Answers a question as a stream of text updates; the last update carries the final answer.</summary>
    IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, CancellationToken cancellationToken = default);

    /// <summary>Lines two roles up aspect by aspect. Unknown roles come back as <see cref="CompareOutcome.Error"/>.</summary>
    CompareOutcome Compare(string roleA, string roleB, string? aspect = null);

    /// <summary>The role catalog of the knowledge currently served.</summary>
    IReadOnlyList<RoleInfo> Roles();

    /// <summary>Role names matching a prefix or fuzzy fragment, best first (for autocomplete).</summary>
    IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25);

    /// <summary>Reloads the knowledge folder; on failure the last good knowledge keeps serving.</summary>
    Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default);

    /// <summary>The knowledge snapshot currently served.</summary>
    KnowledgeSnapshot Knowledge { get; }
}
