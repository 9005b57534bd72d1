using Advisor.Core.Answers;

namespace Advisor.Core.Comparison;

/// <summary>Two roles lined up aspect by aspect; every cell cited.</summary>
public sealed record RoleComparison(string RoleA, string RoleB, IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<string> Articles)
{
    /// <summary>Id of the knowledge snapshot that answered.</summary>
    public string KnowledgeVersion { get; init; } = "";
}

/// <summary>One aspect of a comparison. A side the knowledge says nothing about is null.</summary>
public sealed record ComparisonRow(string Aspect, string AspectTitle, ComparisonCell? A, ComparisonCell? B);

/// <summary>What one article says about one role for one aspect.</summary>
public sealed record ComparisonCell(IReadOnlyList<string> Points, Citation Citation);

/// <summary>A comparison, or a message for the user saying why there is none.</summary>
public sealed record CompareOutcome(RoleComparison? Comparison, string? Error, IReadOnlyList<string> KnownRoles, string? ClosestMatch)
{
    public bool Succeeded => Comparison is not null;

    public static CompareOutcome Ok(RoleComparison comparison) => new(comparison, null, [], null);

    public static CompareOutcome Fail(string error, IReadOnlyList<string> knownRoles, string? closest = null) => new(null, error, knownRoles, closest);
}
