using Advisor.Core.Answers;

namespace Advisor.Core.Retrieval;

/// <summary>
/// An optional step after lexical retrieval (e.g. fusing vector similarity by reciprocal rank).
/// Every registered refiner runs in registration order; with none, retrieval is BM25 + structure only.
/// </summary>
public interface IRetrievalRefiner
{
    ValueTask<RetrievalResult> RefineAsync(AdvisorQuestion question, RetrievalResult retrieval, CancellationToken cancellationToken);
}
