using Advisor.Core.Answers;

namespace Advisor.Core.Comparison;

/// <summary>Two roles lined up aspect by aspect; every cell cited.</summary>
public sealed record RoleComparison(string RoleA, string RoleB, IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<string> Articles)
{
    /// <summary>Id of the knowledge snapshot that answered.</summary>
    public string KnowledgeVersion { get; init; } = "";
}

/// <summary>
/// One aspect of a comparison. Either one cell per role (<see cref="A"/>, <see cref="B"/>; a side the knowledge says
/// nothing about is null), or, when the same article-level section (an outlook, tips, a conclusion) answers for both
/// roles, one <see cref="Both"/> cell with <see cref="A"/> and <see cref="B"/> null, so the text is shown once.
/// </summary>
public sealed record ComparisonRow(string Aspect, string AspectTitle, ComparisonCell? A, ComparisonCell? B)
{
    /// <summary>The one cell that answers for both roles, or null when each role has its own.</summary>
    public ComparisonCell? Both { get; init; }

    /// <summary>A row whose one cell answers for both roles.</summary>
    public static ComparisonRow Shared(string aspect, string aspectTitle, ComparisonCell both) =>
        new(aspect, aspectTitle, null, null) { Both = both };

    /// <summary>The row's cells that are present: <see cref="Both"/>, or <see cref="A"/> and <see cref="B"/>.</summary>
    public IEnumerable<ComparisonCell> PresentCells() =>
        new[] { Both, A, B }.OfType<ComparisonCell>();
}

/// <summary>What one article says about one role (or, for a shared cell, about both) for one aspect.</summary>
public sealed record ComparisonCell(IReadOnlyList<string> Points, Citation Citation);

/// <summary>A comparison, or a message for the user saying why there is none.</summary>
public sealed record CompareOutcome(RoleComparison? Comparison, string? Error, IReadOnlyList<string> KnownRoles, string? ClosestMatch)
{
    public bool Succeeded => Comparison is not null;

    public static CompareOutcome Ok(RoleComparison comparison) => new(comparison, null, [], null);

    public static CompareOutcome Fail(string error, IReadOnlyList<string> knownRoles, string? closest = null) => new(null, error, knownRoles, closest);
}
