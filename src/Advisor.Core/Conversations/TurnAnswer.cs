using Advisor.Core.Answers;

namespace Advisor.Core.Conversations;

/// <summary>
/// What is kept of an answer: what a follow-up needs (roles, aspect, kind, cited sections, optionally the text) and
/// what the question log records (answered or abstained and why, knowledge version, composer).
/// </summary>
public sealed record TurnAnswer
{
    /// <summary>The kind of reply.</summary>
    public required AnswerKind Kind { get; init; }

    /// <summary>True when the knowledge did not cover the question.</summary>
    public bool Abstained { get; init; }

    /// <summary>For an uncovered role or topic: the role or topic as the user named it.</summary>
    public string? Uncovered { get; init; }

    /// <summary>Canonical names of the roles the answer is about.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The aspect asked about, if recognized.</summary>
    public string? Aspect { get; init; }

    /// <summary>Ids of the cited sections, best first.</summary>
    public IReadOnlyList<string> SectionIds { get; init; } = [];

    /// <summary>The answer text, when it is kept (a model-written follow-up reads it); null when not kept.</summary>
    public string? Text { get; init; }

    /// <summary>Id of the knowledge snapshot that answered.</summary>
    public string KnowledgeVersion { get; init; } = "";

    /// <summary>"extractive", "model" or "extractive-fallback".</summary>
    public string Composer { get; init; } = "extractive";

    /// <summary>Why the question was not answered from the knowledge ("off-topic", "uncovered-role: data analyst"), or null when it was answered.</summary>
    public string? AbstentionReason => !Abstained
        ? null
        : Uncovered is { Length: > 0 } named ? $"{AnswerKindNames.Name(Kind)}: {named}" : AnswerKindNames.Name(Kind);

    /// <summary>What is kept of <paramref name="answer"/>; its text only when <paramref name="keepText"/>.</summary>
    public static TurnAnswer From(Answer answer, bool keepText = true)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new TurnAnswer
        {
            Kind = answer.Kind,
            Abstained = answer.Abstained,
            Uncovered = answer.Uncovered,
            Roles = answer.Roles,
            Aspect = answer.Aspect,
            SectionIds = answer.Citations.Select(c => c.SectionId).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToArray(),
            Text = keepText ? answer.Text : null,
            KnowledgeVersion = answer.KnowledgeVersion,
            Composer = answer.Composer,
        };
    }

    /// <summary>
    /// The answer as a follow-up sees it: kind, roles, aspect, text (empty when not kept); no citations, since only
    /// their section ids are kept.
    /// </summary>
    public Answer ToAnswer() => new()
    {
        Text = Text ?? "",
        Citations = [],
        Kind = Kind,
        Abstained = Abstained,
        Uncovered = Uncovered,
        Roles = Roles,
        Aspect = Aspect,
        Composer = Composer,
        KnowledgeVersion = KnowledgeVersion,
    };
}
