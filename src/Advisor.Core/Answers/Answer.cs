using System.Text.Json.Serialization;

namespace Advisor.Core.Answers;

/// <summary>An answer as data: text, the citations it rests on, whether it abstained and how confident it is.</summary>
public sealed record Answer
{
    /// <summary>The answer text (plain text with "- " bullets and [n] citation markers).</summary>
    public required string Text { get; init; }

    /// <summary>Citations, best first; [n] in <see cref="Text"/> refers to the n-th (1-based).</summary>
    public required IReadOnlyList<Citation> Citations { get; init; }

    /// <summary>What kind of answer this is: an answer from the knowledge, a comparison, a role profile, or a reply that is not one.</summary>
    public AnswerKind Kind { get; init; } = AnswerKind.Answer;

    /// <summary>True when the knowledge does not cover the question (off-topic, or a role or topic the articles lack).</summary>
    public bool Abstained { get; init; }

    /// <summary>For <see cref="AnswerKind.UncoveredRole"/> or <see cref="AnswerKind.UncoveredTopic"/>: the role or topic, as the user named it.</summary>
    public string? Uncovered { get; init; }

    /// <summary>0..1: how well the retrieved sections match the question.</summary>
    public double Confidence { get; init; }

    /// <summary>For an abstention: the closest sections, as citation labels.</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];

    /// <summary>How the answer was composed: "extractive", "model", or "extractive-fallback".</summary>
    public string Composer { get; init; } = "extractive";

    /// <summary>Set when something worth telling the user happened (e.g. a model answer could not be grounded).</summary>
    public string? Note { get; init; }

    /// <summary>Canonical names of the roles the answer is about (carried into follow-up questions).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>For <see cref="AnswerKind.UncoveredRole"/>: the covered roles closest to the one asked about, closest first.</summary>
    public IReadOnlyList<string> ClosestRoles { get; init; } = [];

    /// <summary>The aspect the question asked about, if one was recognized.</summary>
    public string? Aspect { get; init; }

    /// <summary>Id of the knowledge snapshot that answered.</summary>
    [JsonIgnore]
    public string KnowledgeVersion { get; init; } = "";
}

/// <summary>What kind of reply an <see cref="Answer"/> is.</summary>
public enum AnswerKind
{
    /// <summary>An answer quoted from (or written from) the sections that answer the question.</summary>
    Answer,

    /// <summary>Two (or more) roles side by side, each side cited.</summary>
    Comparison,

    /// <summary>A short profile of one role: its definition and the key line of each aspect, cited.</summary>
    Profile,

    /// <summary>The question is about a role the articles don't cover; names the closest roles they do.</summary>
    UncoveredRole,

    /// <summary>A career topic the articles don't cover for the role asked about (pay, remote work…); points to the nearest sections.</summary>
    UncoveredTopic,

    /// <summary>Not about anything the knowledge covers.</summary>
    OffTopic,

    /// <summary>A greeting, thanks or a request for help: a short friendly reply with example questions.</summary>
    SmallTalk,

    /// <summary>A reply to a command typed in chat ("/roles", "/help", an unknown "/command").</summary>
    Command,
}

/// <summary>One cited role section. <see cref="Quote"/> occurs verbatim in the section.</summary>
public sealed record Citation(
    string Article,
    string Section,
    string? Role,
    string File,
    string Quote)
{
    /// <summary>Stable id of the cited section.</summary>
    [JsonIgnore]
    public string SectionId { get; init; } = "";

    /// <summary>"Article › Section › Role" (role omitted for sections that are about no single role).</summary>
    [JsonIgnore]
    public string Label => Role is null ? $"{Article} › {Section}" : $"{Article} › {Section} › {Role}";
}

/// <summary>A streamed piece of an answer. <see cref="Final"/> is set on the last update only.</summary>
public sealed record AnswerUpdate(string TextDelta, Answer? Final = null);
