using Advisor.Core.Answers;
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
    double Coverage)
{
    /// <summary>What the question asks for; decides how it is answered.</summary>
    public AnswerKind Intent { get; init; } = AnswerKind.Answer;

    /// <summary>A role the knowledge does not cover that the question asks about ("data analyst"), as typed.</summary>
    public string? UncoveredRole { get; init; }

    /// <summary>A topic the knowledge does not cover for the roles asked about: an aspect key ("pay") or the question's unknown words.</summary>
    public string? UncoveredTopic { get; init; }

    /// <summary>For an uncovered role: the covered roles closest to it, best first.</summary>
    public IReadOnlyList<RoleInfo> ClosestRoles { get; init; } = [];

    /// <summary>For small talk: "greeting", "thanks", "help", "bye", "sorry" or "ack".</summary>
    public string? SmallTalk { get; init; }

    /// <summary>Stems of what the question says it cares about besides roles and aspect ("if I like math"): lines that match come first.</summary>
    public IReadOnlyList<string> FocusTerms { get; init; } = [];
}

/// <summary>A section and its retrieval score.</summary>
public sealed record ScoredSection(KnowledgeSection Section, double Score);

/// <summary>Ranked sections for a question, and whether the knowledge covers it at all (<paramref name="InScope"/>: the intent is an answer, comparison or profile).</summary>
public sealed record RetrievalResult(
    QueryAnalysis Query,
    IReadOnlyList<ScoredSection> Ranked,
    bool InScope,
    double Confidence,
    KnowledgeSnapshot Knowledge);
