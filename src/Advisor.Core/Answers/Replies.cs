using System.Text;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Answers;

/// <summary>
/// The replies that are not quotes: small talk (with example questions made from the knowledge's own roles), and the
/// plain statements that the articles don't cover a role or a topic, pointing to what they do cover.
/// </summary>
public static class Replies
{
    /// <summary>A short friendly reply to a greeting, thanks, "help" or an acknowledgement, with example questions.</summary>
    public static Answer SmallTalk(RetrievalResult retrieval)
    {
        var knowledge = retrieval.Knowledge;
        var examples = string.Join('\n', ExampleQuestions(knowledge).Select(e => "- " + e));
        var roles = string.Join(", ", knowledge.Catalog.Roles.Select(r => r.Name));
        var text = retrieval.Query.SmallTalk switch
        {
            "help" => Help(knowledge),
            "thanks" => $"You're welcome! Ask another any time, for example:\n{examples}",
            "bye" => "Bye, and good luck with your career! I'm here whenever you have another question.",
            "ack" => $"Anything else? For example:\n{examples}",
            "sorry" => $"No need to apologise: ask as much as you like. For example:\n{examples}",
            _ => $"Hi! I'm Advisor. I answer career questions about {roles}, citing the article section each answer comes from. Try:\n{examples}",
        };

        return new Answer
        {
            Text = MentionGuard.Neutralize(text),
            Citations = [],
            Kind = AnswerKind.SmallTalk,
            Confidence = 1,
            KnowledgeVersion = knowledge.Version,
        };
    }

    /// <summary>What Advisor can do, with example questions and the commands.</summary>
    public static string Help(KnowledgeSnapshot knowledge)
    {
        var text = new StringBuilder()
            .Append("I'm Advisor. I answer career questions from ").Append(knowledge.Articles.Count).Append(knowledge.Articles.Count == 1 ? " article" : " articles")
            .Append(" about ").Append(string.Join(", ", knowledge.Catalog.Roles.Select(r => r.Name)))
            .Append(", and cite the section each answer comes from. Ask about a role's responsibilities, skills, education, tools, industries or outlook, ")
            .Append("compare two roles, or ask for an overview of one. For example:");
        foreach (var example in ExampleQuestions(knowledge))
        {
            text.Append("\n- ").Append(example);
        }

        return text.Append('\n').Append(CommandList).ToString();
    }

    /// <summary>The commands, as one line.</summary>
    public const string CommandList = "Commands: /ask <question>, /compare <role> vs <role> [aspect], /roles, /help, /reload (admins).";

    /// <summary>"The articles don't cover data analysts", with the closest roles they do cover and questions to ask about them.</summary>
    public static Answer UncoveredRole(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        var knowledge = retrieval.Knowledge;
        var title = q.UncoveredRole ?? "that role";
        var closest = q.ClosestRoles.Select(r => r.Name).ToList();
        var text = new StringBuilder($"The articles I have don't cover {RoleNames.PluralName(title)}, so I can't tell you about that role.");
        if (closest.Count > 0)
        {
            text.Append(closest.Count == 1 ? $" The closest role they cover is {closest[0]}." : $" The closest roles they cover: {Join(closest)}.");
            var person = RoleNames.PersonName(closest[0]);
            text.Append($"\nI can tell you about {RoleNames.PluralName(person)}, for example:")
                .Append($"\n- What skills does {RoleNames.Article(person)} {person} need?")
                .Append($"\n- Give me an overview of the {closest[0]} role");
            if (closest.Count > 1)
            {
                text.Append($"\n- {closest[0]} vs {closest[1]}: how do they differ?");
            }
        }

        var suggestions = closest.Select(r => RoleSections.For(knowledge, r, "definition")?.Label).OfType<string>().ToList();
        return new Answer
        {
            Text = MentionGuard.Neutralize(text.ToString()),
            Citations = [],
            Kind = AnswerKind.UncoveredRole,
            Abstained = true,
            Uncovered = MentionGuard.Neutralize(title),
            Suggestions = suggestions.Select(MentionGuard.Neutralize).ToList(),
            Confidence = retrieval.Confidence,
            Roles = q.Roles.Select(r => r.Name).ToList(),
            ClosestRoles = closest,
            KnowledgeVersion = knowledge.Version,
        };
    }

    /// <summary>"The articles don't cover pay for AI Architects", with the nearest sections they do have.</summary>
    public static Answer UncoveredTopic(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        var knowledge = retrieval.Knowledge;
        var topic = q.UncoveredTopic ?? "";
        var isAspect = AspectLexicon.IsAspect(topic); // a topic the articles lack, or an aspect these roles have no section on ("education" for a discipline)
        var display = isAspect ? AspectLexicon.Display(topic).ToLowerInvariant() : topic.Length == 0 ? "that" : $"“{topic}”";
        var roles = q.Roles.Select(r => r.Name).ToList();
        var who = roles.Count == 0 ? "any of the roles they describe" : Join(roles.Select(SideBySide.People).ToList());

        List<KnowledgeSection> nearest;
        if (isAspect)
        {
            var about = roles.Count > 0 ? roles : knowledge.Catalog.Roles.Select(r => r.Name).ToList();
            var shared = RoleSections.SharedArticle(knowledge, about);
            nearest = AspectLexicon.Near(topic)
                .SelectMany(aspect => about.Select(r => RoleSections.For(knowledge, r, aspect, shared)))
                .OfType<KnowledgeSection>().DistinctBy(s => s.Id).Take(3).ToList();
        }
        else
        {
            nearest = retrieval.Ranked.Take(3).Select(s => s.Section).ToList();
        }

        var text = new StringBuilder($"The articles I have don't cover {display} for {who}, so I won't guess.");
        if (nearest.Count > 0)
        {
            text.Append("\nThe nearest sections they do have:");
            foreach (var section in nearest)
            {
                text.Append("\n- ").Append(section.Label);
            }
        }

        if (isAspect && nearest.FirstOrDefault(s => s.Aspect is not null)?.Aspect is { } near && roles.Count > 0)
        {
            text.Append($"\nFor example, ask: “What about {AspectLexicon.Display(near).ToLowerInvariant()} for {SideBySide.People(roles[0])}?”");
        }

        return new Answer
        {
            Text = MentionGuard.Neutralize(text.ToString()),
            Citations = [],
            Kind = AnswerKind.UncoveredTopic,
            Abstained = true,
            Uncovered = topic.Length == 0 ? null : MentionGuard.Neutralize(isAspect ? AspectLexicon.Display(topic) : topic),
            Suggestions = nearest.Select(s => MentionGuard.Neutralize(s.Label)).ToList(),
            Confidence = retrieval.Confidence,
            Roles = roles,
            Aspect = q.Aspect,
            KnowledgeVersion = knowledge.Version,
        };
    }

    /// <summary>Two or three example questions made from the knowledge's roles, each about an aspect the knowledge has for them.</summary>
    public static IReadOnlyList<string> ExampleQuestions(KnowledgeSnapshot knowledge)
    {
        var roles = knowledge.Catalog.Roles;
        var examples = new List<string>();
        if (roles.Count == 0)
        {
            return examples;
        }

        string[] preferred = ["skills", "education", "tools"];
        string? Shared(params string[] names) => preferred.FirstOrDefault(a => names.All(n => knowledge.Index.Covers(n, a)));

        var first = RoleNames.PersonName(roles[0].Name);
        if (Shared(roles[0].Name) is { } aspect)
        {
            examples.Add($"What {AspectLexicon.Display(aspect).ToLowerInvariant()} does {RoleNames.Article(first)} {first} need?");
        }

        var pair = knowledge.Articles.Where(a => a.Roles.Count >= 2).Select(a => a.Roles)
            .FirstOrDefault(p => !p.Contains(roles[0].Name) && Shared(p[0], p[1]) is not null)
            ?? knowledge.Articles.Where(a => a.Roles.Count >= 2).Select(a => a.Roles).FirstOrDefault(p => Shared(p[0], p[1]) is not null);
        if (pair is not null)
        {
            examples.Add($"{pair[0]} vs {pair[1]}: how do their {AspectLexicon.Display(Shared(pair[0], pair[1])!).ToLowerInvariant()} differ?");
        }

        if (roles.Count > 1)
        {
            examples.Add($"Give me an overview of the {roles[^1].Name} role");
        }

        return examples;
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Join("", items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
