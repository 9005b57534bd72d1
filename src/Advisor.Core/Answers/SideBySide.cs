using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Answers;

/// <summary>
/// A question about two roles ("X vs Y", "X or Y if I like math", "what education do X and Y need") answered for both
/// sides, each cited: on the aspect asked; else on what the asker says they care about; else a short side-by-side.
/// </summary>
internal static class SideBySide
{
    private const int MaxRoles = 3;
    private const int LinesPerSide = 4;
    private const int MatchesPerSide = 3;

    private static readonly string[] ShortAspects = ["definition", "responsibilities", "skills"];

    public static Answer Compose(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        var knowledge = retrieval.Knowledge;
        var roles = q.Roles.Take(MaxRoles).Select(r => r.Name).ToList();
        var shared = RoleSections.SharedArticle(knowledge, roles);
        var focus = q.FocusTerms.ToHashSet(StringComparer.Ordinal);
        var writer = new AnswerWriter(knowledge);
        var title = string.Join(" vs. ", roles);

        var done = q.Aspect is not null && OnAspect(writer, roles, q.Aspect, shared, focus, title);
        done = done || (focus.Count > 0 && OnFocus(writer, roles, focus, title));
        if (!done)
        {
            InShort(writer, roles, shared, title);
        }

        writer.Block($"Full side-by-side: /compare {roles[0]} vs {roles[1]}" + (q.Aspect is { } a && AspectLexicon.ComparisonOrder.Contains(a) ? $" {AspectLexicon.Display(a).ToLowerInvariant()}" : ""));
        return new Answer
        {
            Text = writer.ToString(),
            Citations = writer.Citations,
            Kind = AnswerKind.Comparison,
            Confidence = retrieval.Confidence,
            Roles = roles,
            Aspect = q.Aspect,
            KnowledgeVersion = knowledge.Version,
        };
    }

    private static bool OnAspect(AnswerWriter writer, List<string> roles, string aspect, string? shared, HashSet<string> focus, string title)
    {
        var knowledge = writer.Knowledge;
        var sections = roles.Select(r => RoleSections.For(knowledge, r, aspect, shared)).ToList();
        if (sections.All(s => s is null))
        {
            return false;
        }

        writer.Line($"{title} — {AspectLexicon.Display(aspect)}:");
        if (sections.All(s => s is not null && s.Id == sections[0]!.Id))
        {
            // One section about both (an article's outlook or tips): shown once.
            var section = sections[0]!;
            writer.Block($"Both — {section.Topic} ({section.ArticleTitle}):").Quote(section, Pick(knowledge, section, focus));
            return true;
        }

        for (var i = 0; i < roles.Count; i++)
        {
            if (sections[i] is not { } section)
            {
                // The nearest aspect the role does have ("getting started" → its education), so both sides are answered.
                var missing = $"The articles say nothing about {AspectLexicon.Display(aspect).ToLowerInvariant()} for this role";
                // Failing that, what the role does or is, so the asker still sees that side.
                if (AspectLexicon.Near(aspect).Concat(["responsibilities", "definition"]).Select(near => RoleSections.For(knowledge, roles[i], near, shared)).FirstOrDefault(s => s is not null) is { } nearest)
                {
                    writer.Block($"{roles[i]} — {nearest.Topic} ({nearest.ArticleTitle}; {missing.ToLowerInvariant()}, this is the closest):").Quote(nearest, Pick(knowledge, nearest, focus));
                }
                else
                {
                    writer.Block($"{roles[i]}:").Line($"- {missing}.");
                }

                continue;
            }

            var heading = section.Role is null ? $"{roles[i]} — {section.Topic} ({section.ArticleTitle}, about several roles):" : $"{roles[i]} — {section.Topic} ({section.ArticleTitle}):";
            writer.Block(heading).Quote(section, Pick(knowledge, section, focus));
        }

        return true;
    }

    /// <summary>For each role, the lines across its sections that speak to what the asker cares about ("if I like math").</summary>
    private static bool OnFocus(AnswerWriter writer, List<string> roles, HashSet<string> focus, string title)
    {
        var knowledge = writer.Knowledge;
        var perRole = roles.Select(role => knowledge.SectionsByRole.GetValueOrDefault(role, [])
            .SelectMany(s => s.Units.Select((u, i) => (Section: s, Unit: u, Overlap: knowledge.Index.UnitStems[knowledge.PositionOf(s)][i].Count(focus.Contains), Index: i)))
            .Where(x => x.Overlap > 0)
            .OrderByDescending(x => x.Overlap).ThenBy(x => x.Section.Order)
            .Take(MatchesPerSide)
            .ToList()).ToList();
        if (perRole.Count(lines => lines.Count > 0) < 2)
        {
            return false;
        }

        writer.Line($"{title} — what each article says that fits what you asked:");
        for (var i = 0; i < roles.Count; i++)
        {
            writer.Block($"{roles[i]}:");
            if (perRole[i].Count == 0)
            {
                writer.Line("- Nothing in this role's sections speaks to it directly.");
                continue;
            }

            foreach (var (section, unit, _, _) in perRole[i])
            {
                var text = section.IsList ? unit : Excerpts.WithoutDanglingConnective(unit);
                writer.Line($"- {section.Topic}: {text} [{writer.Cite(section, text)}]");
            }
        }

        return true;
    }

    private static void InShort(AnswerWriter writer, List<string> roles, string? shared, string title)
    {
        var knowledge = writer.Knowledge;
        writer.Line($"{title} in short:");
        foreach (var role in roles)
        {
            writer.Block($"{role}:");
            foreach (var aspect in ShortAspects)
            {
                if (RoleSections.For(knowledge, role, aspect, shared) is { Role: not null } section)
                {
                    var text = Opening(section);
                    writer.Line($"- {AspectLexicon.Display(aspect)}: {text} [{writer.Cite(section, text)}]");
                }
            }
        }
    }

    private static Excerpt Pick(KnowledgeSnapshot knowledge, KnowledgeSection section, HashSet<string> focus) =>
        Excerpts.Pick(section, knowledge.Index.UnitStems[knowledge.PositionOf(section)], focus, whole: true, LinesPerSide);

    /// <summary>The first item of a list, or the first sentence of a paragraph (without a dangling connective).</summary>
    internal static string Opening(KnowledgeSection section) =>
        section.IsList ? section.Units[0] : Excerpts.WithoutDanglingConnective(section.Units[0]);

    /// <summary>The people in a role, for sentences: "AI Researchers", "Machine Learning Research Engineers".</summary>
    internal static string People(string role) => RoleNames.PluralName(RoleNames.PersonName(role));
}
