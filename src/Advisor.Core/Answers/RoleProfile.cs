using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Answers;

/// <summary>
/// A broad question about one role ("give me an overview of X", "X?") answered with a short profile: what the role is,
/// then the key line of each aspect the knowledge has for it, each cited, with a pointer to <c>/compare</c>.
/// </summary>
internal static class RoleProfile
{
    public static Answer Compose(RetrievalResult retrieval)
    {
        var knowledge = retrieval.Knowledge;
        var role = retrieval.Query.Roles[0].Name;
        var own = knowledge.SectionsByRole.GetValueOrDefault(role, []);
        var writer = new AnswerWriter(knowledge);
        writer.Line($"{role} — an overview:");

        var definition = own.FirstOrDefault(s => s.Aspect == "definition") ?? own.FirstOrDefault(s => s.Aspect == "introduction");
        if (definition is not null)
        {
            // What the role is: the opening of its definition (two sentences, or two items).
            var shown = definition.Units.Take(2).Select((u, i) => i == 0 && !definition.IsList ? Excerpts.WithoutDanglingConnective(u) : u).ToList();
            writer.Quote(definition, new Excerpt(shown, definition.Units.Count - shown.Count), bullet: "");
        }

        var aspects = AspectLexicon.ComparisonOrder.Concat(AspectLexicon.Keys.Where(AspectLexicon.IsTopic)).Concat(["getting-started"]).Distinct();
        foreach (var aspect in aspects.Where(a => a != "definition" && a != "summary"))
        {
            // The role's own section, else its article's general one (an outlook, tips).
            if ((own.FirstOrDefault(s => s.Aspect == aspect) ?? Comparison.RoleSections.For(knowledge, role, aspect)) is { } section)
            {
                var text = SideBySide.Opening(section);
                var more = section.Units.Count - 1;
                writer.Line($"- {AspectLexicon.Display(aspect)}: {text} [{writer.Cite(section, text)}]" + (more > 0 ? $" (+{more} more)" : ""));
            }
        }

        var partner = knowledge.Articles.Where(a => a.Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
            .SelectMany(a => a.Roles).FirstOrDefault(r => !r.Equals(role, StringComparison.OrdinalIgnoreCase));
        writer.Block("Ask about any of these for the whole section" + (partner is null ? "." : $", or compare: /compare {role} vs {partner}"));
        return new Answer
        {
            Text = writer.ToString(),
            Citations = writer.Citations,
            Kind = AnswerKind.Profile,
            Confidence = retrieval.Confidence,
            Roles = [role],
            KnowledgeVersion = knowledge.Version,
        };
    }
}
