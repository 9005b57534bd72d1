namespace Advisor.Core.Knowledge;

/// <summary>
/// The unit of retrieval and citation: the text one article says about one role under one topic
/// (or about no single role, for introductions, outlooks and tips).
/// </summary>
public sealed record KnowledgeSection
{
    /// <summary>Stable id: file path relative to the knowledge folder + "#" + topic slug [+ "/" + role slug].</summary>
    public required string Id { get; init; }

    /// <summary>File path relative to the knowledge folder, with forward slashes.</summary>
    public required string File { get; init; }

    public required string ArticleTitle { get; init; }

    /// <summary>The topic heading as the article spells it, e.g. "Educational Backgrounds".</summary>
    public required string Topic { get; init; }

    /// <summary>Canonical role name, or null when the section is about no single role.</summary>
    public string? Role { get; init; }

    /// <summary>The aspect the topic is about, e.g. "education"; null when the topic maps to none.</summary>
    public string? Aspect { get; init; }

    /// <summary>The section's units: bullet items or sentences, verbatim.</summary>
    public required IReadOnlyList<string> Units { get; init; }

    /// <summary>True when <see cref="Units"/> are bullet items rather than sentences of a paragraph.</summary>
    public bool IsList { get; init; }

    /// <summary>Ordinal position in its article, for stable ordering.</summary>
    public int Order { get; init; }

    /// <summary>The whole section text (units joined).</summary>
    public string Text => string.Join(IsList ? "\n" : " ", Units);

    /// <summary>"Article › Topic › Role".</summary>
    public string Label => Role is null ? $"{ArticleTitle} › {Topic}" : $"{ArticleTitle} › {Topic} › {Role}";
}
