using System.Numerics.Tensors;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Models;

/// <summary>
/// Hybrid retrieval: fuses the lexical ranking (BM25 + role and aspect structure) with the ranking by vector
/// similarity through reciprocal rank fusion. Whether the question is in scope stays the lexical decision.
/// The section vectors come from <see cref="EmbeddingIndex"/>, built in the background; the only call made while
/// the user waits is the question's own embedding, bounded by <see cref="ModelOptions.QuestionEmbeddingTimeoutSeconds"/>.
/// When the vectors are not ready or that call fails or is too slow, the lexical ranking is used unchanged
/// (counted once per question on <c>advisor.retrieval.degraded</c>).
/// </summary>
internal sealed partial class HybridRetrievalRefiner(
    EmbeddingIndex index,
    IOptions<ModelOptions> options,
    AdvisorMetrics metrics,
    TimeProvider time,
    ILogger<HybridRetrievalRefiner> logger) : IRetrievalRefiner
{
    /// <summary>The usual RRF constant: damps the weight of the very top ranks.</summary>
    public const int RrfK = 60;

    private const int Top = 8;

    private readonly TimeSpan _questionTimeout = TimeSpan.FromSeconds(Math.Min(options.Value.QuestionEmbeddingTimeoutSeconds, options.Value.TimeoutSeconds));

    public async ValueTask<RetrievalResult> RefineAsync(AdvisorQuestion question, RetrievalResult retrieval, CancellationToken cancellationToken)
    {
        if (!retrieval.InScope || retrieval.Ranked.Count == 0)
        {
            return retrieval;
        }

        if (index.ReadyFor(retrieval.Knowledge) is not { } vectors)
        {
            metrics.RetrievalDegraded(RetrievalDegradedReason.VectorsNotReady);
            Log.VectorsNotReady(logger, retrieval.Knowledge.Version);
            return retrieval;
        }

        float[] query;
        using (var timeout = new CancellationTokenSource(_questionTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                query = (await index.EmbedAsync([QueryText(question, retrieval.Query)], linked.Token).ConfigureAwait(false))[0];
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var reason = timeout.IsCancellationRequested ? RetrievalDegradedReason.Timeout : RetrievalDegradedReason.EmbeddingFailed;
                metrics.RetrievalDegraded(reason);
                Log.EmbeddingFailed(logger, reason, ex.GetType().Name, EmbeddingIndex.Status(ex));
                Log.EmbeddingFailureDetail(logger, ex.Message);
                return retrieval;
            }
        }

        var byVector = retrieval.Knowledge.Sections
            .Select(s => (Section: s, Similarity: TensorPrimitives.Dot(query, vectors[s.Id])))
            .OrderByDescending(x => x.Similarity)
            .Take(Top)
            .Select(x => x.Section)
            .ToList();
        return retrieval with { Ranked = Fuse(retrieval.Ranked.Select(r => r.Section).ToList(), byVector) };
    }

    /// <summary>
    /// What is embedded for a question: its text, plus — for a follow-up — what the retriever carried over from the
    /// conversation: the roles of the earlier turn, and the aspect when the question named none of its own words
    /// ("and for a Data Scientist?" after "What skills does an AI Architect need?").
    /// </summary>
    internal static string QueryText(AdvisorQuestion question, QueryAnalysis query)
    {
        var text = question.Text.Trim();
        if (question.History.Count == 0)
        {
            return text;
        }

        var parts = new List<string> { text };
        if (query.RolesFromHistory)
        {
            parts.AddRange(query.Roles.Select(r => r.Name));
        }

        if (query.Aspect is { } aspect && query.ContentTerms.Count == 0 && AspectLexicon.Detect(Words(text)).Aspect != aspect)
        {
            parts.Add(AspectLexicon.Display(aspect));
        }

        return string.Join('\n', parts);
    }

    /// <summary>Lower-case words, letters and digits only (the form <see cref="AspectLexicon.Detect"/> reads).</summary>
    private static List<string> Words(string text) =>
        NotWord().Split(text.ToLowerInvariant()).Where(w => w.Length > 0).ToList();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\p{L}\p{Nd}]+")]
    private static partial System.Text.RegularExpressions.Regex NotWord();

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
        [LoggerMessage(340, LogLevel.Warning, "The question's embedding failed ({Reason}: {ExceptionType}, HTTP status {Status}); using lexical retrieval")]
        public static partial void EmbeddingFailed(ILogger logger, string reason, string exceptionType, string status);

        [LoggerMessage(341, LogLevel.Debug, "Embedding failure detail: {Error}")]
        public static partial void EmbeddingFailureDetail(ILogger logger, string error);

        [LoggerMessage(342, LogLevel.Debug, "Section vectors for knowledge {Version} are not ready yet; using lexical retrieval")]
        public static partial void VectorsNotReady(ILogger logger, string version);
    }
}
