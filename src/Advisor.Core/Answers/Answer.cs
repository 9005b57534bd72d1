using System.Text.Json.Serialization;

namespace Advisor.Core.Answers;

/// <summary>An answer as data: text, the citations it rests on, whether it abstained and how confident it is.</summary>
public sealed record Answer
{
    /// <summary>The answer text (plain text with "- " bullets and [n] citation markers).</summary>
    public required string Text { get; init; }

    /// <summary>Citations, best first; [n] in <see cref="Text"/> refers to the n-th (1-based).</summary>
    public required IReadOnlyList<Citation> Citations { get; init; }

    /// <summary>True when the knowledge does not cover the question.</summary>
    public bool Abstained { get; init; }

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

    /// <summary>The aspect the question asked about, if one was recognized.</summary>
    public string? Aspect { get; init; }

    /// <summary>Id of the knowledge snapshot that answered.</summary>
    [JsonIgnore]
    public string KnowledgeVersion { get; init; } = "";
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
