namespace Advisor.Core.Knowledge;

/// <summary>A parsed knowledge file.</summary>
public sealed record Article
{
    /// <summary>File path relative to the knowledge folder, with forward slashes.</summary>
    public required string File { get; init; }

    public required string Title { get; init; }

    public string? SourceUrl { get; init; }

    /// <summary>Roles the article is about, canonical names, in order of appearance.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Extra names people use for roles, from front matter: role → aliases.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RoleAliases { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public required IReadOnlyList<KnowledgeSection> Sections { get; init; }

    /// <summary>
    /// What was left out of a plain-text file as page clutter (and repeats of its title), line by line or block by
    /// block, each with the rule that dropped it, in file order. Always empty for Markdown, which is never filtered.
    /// </summary>
    public IReadOnlyList<DroppedText> Dropped { get; init; } = [];

    /// <summary>SHA-256 of the file's bytes (hex), to tell changed files on reload.</summary>
    public required string ContentHash { get; init; }
}

/// <summary>A knowledge file that could not be loaded, and why.</summary>
public sealed record LoadError(string File, string Reason)
{
    public override string ToString() => $"{File}: {Reason}";
}
