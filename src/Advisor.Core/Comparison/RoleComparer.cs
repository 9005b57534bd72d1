using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Comparison;

/// <summary>
/// Lines two roles up aspect by aspect from the knowledge: within one article when one article covers
/// both, otherwise each role from the article that describes it.
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

        var shared = knowledge.Articles.FirstOrDefault(x => x.Roles.Contains(a.Name) && x.Roles.Contains(b.Name))?.File;
        var rows = new List<ComparisonRow>();
        foreach (var key in aspectKey is null ? AspectLexicon.ComparisonOrder : [aspectKey])
        {
            var cellA = Cell(knowledge, a.Name, key, shared);
            var cellB = Cell(knowledge, b.Name, key, shared);
            if (cellA is not null || cellB is not null)
            {
                rows.Add(new ComparisonRow(key, AspectLexicon.Display(key), cellA, cellB));
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

        var articles = rows.SelectMany(r => new[] { r.A?.Citation.Article, r.B?.Citation.Article }).OfType<string>().Distinct().ToList();
        return CompareOutcome.Ok(new RoleComparison(a.Name, b.Name, rows, articles) { KnowledgeVersion = knowledge.Version });
    }

    private static ComparisonCell? Cell(KnowledgeSnapshot knowledge, string role, string aspect, string? preferredFile)
    {
        var candidates = knowledge.SectionsByRole.GetValueOrDefault(role, []).Where(s => s.Aspect == aspect).ToList();
        var section = candidates.FirstOrDefault(s => s.File == preferredFile) ?? candidates.FirstOrDefault();
        if (section is null)
        {
            return null;
        }

        var points = section.Units.Take(section.IsList ? MaxPoints : 2).Select(MentionGuard.Neutralize).ToList();
        var citation = new Citation(section.ArticleTitle, section.Topic, section.Role, section.File, points[0]) { SectionId = section.Id };
        return new ComparisonCell(points, citation);
    }
}
