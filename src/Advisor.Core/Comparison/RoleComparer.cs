using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Comparison;

/// <summary>
/// Lines two roles up aspect by aspect from the knowledge: within one article when one article covers
/// both, otherwise each role from the article that describes it. For an aspect a role has no section of its own
/// on, the article-level section with that aspect (an outlook, tips, a conclusion) of an article about the role
/// stands in, preferring the article both roles share; when that is one and the same section for both roles, the
/// row has one shared cell.
/// </summary>
public static class RoleComparer
{
    private const int MaxPoints = 6;

    public static CompareOutcome Compare(KnowledgeSnapshot knowledge, string roleA, string roleB, string? aspect = null)
    {
        var catalog = knowledge.Catalog;
        var known = catalog.Roles.Select(r => r.Name).ToList();
        var a = catalog.Resolve(roleA);
        var b = catalog.Resolve(roleB);
        foreach (var (typed, resolved) in new[] { (roleA, a), (roleB, b) })
        {
            if (resolved is null)
            {
                var closest = catalog.Closest(typed)?.Name;
                var label = string.IsNullOrWhiteSpace(typed) ? "(empty)" : MentionGuard.Neutralize(typed.Trim());
                var message = $"I don't know the role \"{label}\"."
                    + (closest is null ? "" : $" Did you mean {closest}?")
                    + $" Known roles: {string.Join(", ", known)}.";
                return CompareOutcome.Fail(message, known, closest);
            }
        }

        if (a!.Name == b!.Name)
        {
            return CompareOutcome.Fail($"Both names refer to {a.Name}. Pick two different roles; known roles: {string.Join(", ", known)}.", known);
        }

        string? aspectKey = null;
        if (!string.IsNullOrWhiteSpace(aspect))
        {
            aspectKey = AspectLexicon.Resolve(aspect);
            if (aspectKey is null || !AspectLexicon.ComparisonOrder.Contains(aspectKey))
            {
                return CompareOutcome.Fail(
                    $"I can't compare by \"{MentionGuard.Neutralize(aspect.Trim())}\". Aspects: {string.Join(", ", AspectLexicon.ComparisonOrder)}.", known);
            }
        }

        var shared = RoleSections.SharedArticle(knowledge, [a.Name, b.Name]);
        var rows = new List<ComparisonRow>();
        foreach (var key in aspectKey is null ? AspectLexicon.ComparisonOrder : [aspectKey])
        {
            var sectionA = RoleSections.For(knowledge, a.Name, key, shared);
            var sectionB = RoleSections.For(knowledge, b.Name, key, shared);
            if (sectionA is not null && sectionA.Id == sectionB?.Id)
            {
                rows.Add(ComparisonRow.Shared(key, AspectLexicon.Display(key), Cell(sectionA)));
            }
            else if (sectionA is not null || sectionB is not null)
            {
                rows.Add(new ComparisonRow(key, AspectLexicon.Display(key), sectionA is null ? null : Cell(sectionA), sectionB is null ? null : Cell(sectionB)));
            }
        }

        if (rows.Count == 0)
        {
            return CompareOutcome.Fail(
                aspectKey is null
                    ? $"The knowledge has no sections to compare {a.Name} and {b.Name} on."
                    : $"The knowledge says nothing about {AspectLexicon.Display(aspectKey).ToLowerInvariant()} for {a.Name} or {b.Name}.",
                known);
        }

        var articles = rows.SelectMany(r => r.PresentCells()).Select(c => c.Citation.Article).Distinct().ToList();
        return CompareOutcome.Ok(new RoleComparison(a.Name, b.Name, rows, articles) { KnowledgeVersion = knowledge.Version });
    }

    private static ComparisonCell Cell(KnowledgeSection section)
    {
        var points = section.Units.Take(section.IsList ? MaxPoints : 3).Select((u, i) => i == 0 && !section.IsList ? Excerpts.WithoutDanglingConnective(u) : u).Select(MentionGuard.Neutralize).ToList();
        var citation = new Citation(section.ArticleTitle, section.Topic, section.Role, section.File, points[0]) { SectionId = section.Id };
        return new ComparisonCell(points, citation);
    }
}
