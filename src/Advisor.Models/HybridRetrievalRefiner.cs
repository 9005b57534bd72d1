using System.Numerics.Tensors;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Microsoft.Extensions.Logging;

namespace Advisor.Models;

/// <summary>
/// Hybrid retrieval: fuses the lexical ranking (BM25 + role and aspect structure) with the ranking by vector
/// similarity through reciprocal rank fusion. Whether the question is in scope stays the lexical decision;
/// if embedding fails the lexical ranking is used unchanged.
/// </summary>
internal sealed partial class HybridRetrievalRefiner(EmbeddingIndex index, AdvisorMetrics metrics, ILogger<HybridRetrievalRefiner> logger) : IRetrievalRefiner
{
    /// <summary>The usual RRF constant: damps the weight of the very top ranks.</summary>
    public const int RrfK = 60;

    private const int Top = 8;

    public async ValueTask<RetrievalResult> RefineAsync(AdvisorQuestion question, RetrievalResult retrieval, CancellationToken cancellationToken)
    {
        if (!retrieval.InScope || retrieval.Ranked.Count == 0)
        {
            return retrieval;
        }

        try
        {
            var vectors = await index.VectorsAsync(retrieval.Knowledge, cancellationToken).ConfigureAwait(false);
            var query = (await index.EmbedAsync([question.Text.Trim()], cancellationToken).ConfigureAwait(false))[0];
            var byVector = retrieval.Knowledge.Sections
                .Select(s => (Section: s, Similarity: TensorPrimitives.Dot(query, vectors[s.Id])))
                .OrderByDescending(x => x.Similarity)
                .Take(Top)
                .Select(x => x.Section)
                .ToList();
            return retrieval with { Ranked = Fuse(retrieval.Ranked.Select(r => r.Section).ToList(), byVector) };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.ModelFallback("embeddings");
            Log.EmbeddingFailed(logger, ex.GetType().Name, ex.Message);
            return retrieval;
        }
    }

    /// <summary>Reciprocal rank fusion of rankings (best first), best fused first.</summary>
    internal static IReadOnlyList<ScoredSection> Fuse(params IReadOnlyList<Core.Knowledge.KnowledgeSection>[] rankings)
    {
        var scores = new Dictionary<string, (Core.Knowledge.KnowledgeSection Section, double Score, int FirstSeen)>(StringComparer.Ordinal);
        var order = 0;
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var section = ranking[rank];
                var add = 1.0 / (RrfK + rank + 1);
                scores[section.Id] = scores.TryGetValue(section.Id, out var seen)
                    ? (section, seen.Score + add, seen.FirstSeen)
                    : (section, add, order++);
            }
        }

        return scores.Values
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.FirstSeen)
            .Take(Top)
            .Select(x => new ScoredSection(x.Section, Math.Round(x.Score, 6)))
            .ToList();
    }

    private static partial class Log
    {
        [LoggerMessage(340, LogLevel.Warning, "Embedding failed ({ExceptionType}: {Error}); using lexical retrieval")]
        public static partial void EmbeddingFailed(ILogger logger, string exceptionType, string error);
    }
}
