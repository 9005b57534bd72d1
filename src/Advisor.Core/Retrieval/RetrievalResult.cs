using Advisor.Core.Knowledge;
using Advisor.Core.Roles;

namespace Advisor.Core.Retrieval;

/// <summary>What the retriever understood of a question.</summary>
/// <param name="Roles">Roles the question names, or (for a follow-up) the previous turn's roles.</param>
/// <param name="RolesFromHistory">True when <paramref name="Roles"/> came from an earlier turn.</param>
/// <param name="Aspect">Aspect asked about (key of <see cref="AspectLexicon"/>), or null.</param>
/// <param name="ContentTerms">Stems of the question's words other than role names and aspect words.</param>
/// <param name="Coverage">Share of <paramref name="ContentTerms"/> found in the knowledge (1 when there are none).</param>
public sealed record QueryAnalysis(
    string Text,
    IReadOnlyList<RoleInfo> Roles,
    bool RolesFromHistory,
    string? Aspect,
    IReadOnlyList<string> ContentTerms,
    IReadOnlyList<string> QueryTerms,
    double Coverage);

/// <summary>A section and its retrieval score.</summary>
public sealed record ScoredSection(KnowledgeSection Section, double Score);

/// <summary>Ranked sections for a question, and whether the knowledge covers it at all.</summary>
public sealed record RetrievalResult(
    QueryAnalysis Query,
    IReadOnlyList<ScoredSection> Ranked,
    bool InScope,
    double Confidence,
    KnowledgeSnapshot Knowledge);
