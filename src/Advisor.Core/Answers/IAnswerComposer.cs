using Advisor.Core.Retrieval;

namespace Advisor.Core.Answers;

/// <summary>Turns retrieved sections into an answer. The default is extractive; a model composer can replace it.</summary>
public interface IAnswerComposer
{
    /// <summary>Streams the answer; the last update carries the final <see cref="Answer"/>.</summary>
    IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, CancellationToken cancellationToken);
}
