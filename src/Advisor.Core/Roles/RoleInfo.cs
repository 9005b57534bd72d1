namespace Advisor.Core.Roles;

/// <summary>A role the knowledge describes.</summary>
/// <param name="Name">Canonical name, as the articles spell it.</param>
/// <param name="Aliases">Other names people type for it (lower case).</param>
/// <param name="Articles">Titles of the articles that describe it.</param>
/// <param name="SectionCount">How many sections are about it.</param>
public sealed record RoleInfo(string Name, IReadOnlyList<string> Aliases, IReadOnlyList<string> Articles, int SectionCount)
{
    /// <summary>The person in the role, for sentences about someone: "AI Researcher" for "AI Research", else the name.</summary>
    public string PersonName => RoleNames.PersonName(Name);
}
