using Advisor.Core.Knowledge;

namespace Advisor.Core.Comparison;

/// <summary>Where the knowledge says something about one aspect of one role.</summary>
public static class RoleSections
{
    /// <summary>
    /// The section about <paramref name="aspect"/> for <paramref name="role"/>: the role's own section, else a section
    /// about no single role (an article's outlook or tips) in an article about the role; from
    /// <paramref name="preferredFile"/> when it has one. Null when the knowledge says nothing about it.
    /// </summary>
    public static KnowledgeSection? For(KnowledgeSnapshot knowledge, string role, string aspect, string? preferredFile = null)
    {
        var own = knowledge.SectionsByRole.GetValueOrDefault(role, []).Where(s => s.Aspect == aspect).ToList();
        if (own.Count > 0)
        {
            return own.FirstOrDefault(s => s.File == preferredFile) ?? own[0];
        }

        var general = knowledge.Articles
            .Where(a => a.Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
            .SelectMany(a => a.Sections)
            .Where(s => s.Role is null && s.Aspect == aspect)
            .ToList();
        return general.FirstOrDefault(s => s.File == preferredFile) ?? general.FirstOrDefault();
    }

    /// <summary>The article that describes all of these roles, if one does.</summary>
    public static string? SharedArticle(KnowledgeSnapshot knowledge, IEnumerable<string> roles)
    {
        var names = roles.ToList();
        return knowledge.Articles.FirstOrDefault(a => names.All(r => a.Roles.Contains(r, StringComparer.OrdinalIgnoreCase)))?.File;
    }
}
