using System.Runtime.CompilerServices;
using System.Text;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Answers;

/// <summary>
/// The default composer, with no model: it quotes the sentences or bullet items of the top sections that
/// answer the question, each cited, or abstains and lists the closest sections.
/// </summary>
public sealed class ExtractiveComposer : IAnswerComposer
{
    private const int MaxSections = 3;
    private const int MaxListItems = 8;
    private const int MaxSentences = 3;

    public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var answer = Compose(retrieval);
        yield return new AnswerUpdate(answer.Text, answer);
    }

    /// <summary>Composes the extractive answer for a retrieval result.</summary>
    public static Answer Compose(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        if (!retrieval.InScope)
        {
            return Abstain(retrieval);
        }

        var chosen = ChooseSections(retrieval);
        var index = retrieval.Knowledge.Index;
        var text = new StringBuilder();
        var citations = new List<Citation>();
        var queryTerms = q.QueryTerms.ToHashSet(StringComparer.Ordinal);
        foreach (var section in chosen)
        {
            var stems = index.UnitStems[IndexOf(retrieval.Knowledge, section)];
            var units = SelectUnits(section, stems, queryTerms, q.Aspect);
            var n = citations.Count + 1;
            citations.Add(new Citation(section.ArticleTitle, section.Topic, section.Role, section.File, MentionGuard.Neutralize(units[0]))
            {
                SectionId = section.Id,
            });

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(Heading(section)).Append('\n');
            if (section.IsList)
            {
                foreach (var unit in units)
                {
                    text.Append("- ").Append(unit).Append(" [").Append(n).Append("]\n");
                }

                text.Length--; // last newline
            }
            else
            {
                text.Append(string.Join(' ', units)).Append(" [").Append(n).Append(']');
            }
        }

        return new Answer
        {
            Text = MentionGuard.Neutralize(text.ToString()),
            Citations = citations,
            Confidence = retrieval.Confidence,
            Roles = q.Roles.Count > 0 ? q.Roles.Select(r => r.Name).ToList() : chosen.Select(s => s.Role).OfType<string>().Distinct().ToList(),
            Aspect = q.Aspect ?? chosen[0].Aspect,
            KnowledgeVersion = retrieval.Knowledge.Version,
        };
    }

    /// <summary>The answer for a question the knowledge does not cover: says so and lists the closest sections.</summary>
    public static Answer Abstain(RetrievalResult retrieval)
    {
        var closest = retrieval.Ranked.Count > 0
            ? retrieval.Ranked.Take(3).Select(s => s.Section.Label).ToList()
            : retrieval.Knowledge.Sections.Where(s => s.Role is not null).Take(3).Select(s => s.Label).ToList();
        var text = new StringBuilder("The knowledge I have does not cover that. I can answer questions about these roles: ")
            .Append(string.Join(", ", retrieval.Knowledge.Catalog.Roles.Select(r => r.Name)))
            .Append(" (their responsibilities, skills, education, tools, industries and outlook).");
        text.Append("\nClosest sections:");
        foreach (var label in closest)
        {
            text.Append("\n- ").Append(label);
        }

        return new Answer
        {
            Text = MentionGuard.Neutralize(text.ToString()),
            Citations = [],
            Abstained = true,
            Confidence = retrieval.Confidence,
            Suggestions = closest.Select(MentionGuard.Neutralize).ToList(),
            Roles = retrieval.Query.Roles.Select(r => r.Name).ToList(),
            Aspect = retrieval.Query.Aspect,
            KnowledgeVersion = retrieval.Knowledge.Version,
        };
    }

    private static List<KnowledgeSection> ChooseSections(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        var ranked = retrieval.Ranked;
        var chosen = new List<KnowledgeSection>();
        if (q.Roles.Count >= 2)
        {
            // One section per named role, each the best ranked for that role.
            foreach (var role in q.Roles.Take(MaxSections))
            {
                var best = ranked.FirstOrDefault(s => s.Section.Role == role.Name && (q.Aspect is null || s.Section.Aspect == q.Aspect))
                    ?? ranked.FirstOrDefault(s => s.Section.Role == role.Name);
                if (best is not null && !chosen.Contains(best.Section))
                {
                    chosen.Add(best.Section);
                }
            }
        }

        if (chosen.Count == 0)
        {
            var top = ranked[0];
            chosen.Add(top.Section);

            // The same role and aspect told by another article (e.g. the ML Research Engineer in two articles).
            var twin = ranked.Skip(1).FirstOrDefault(s => s.Score >= top.Score * 0.85 && s.Section.Role == top.Section.Role
                && s.Section.Aspect == top.Section.Aspect && s.Section.File != top.Section.File);
            if (twin is not null)
            {
                chosen.Add(twin.Section);
            }
        }

        return chosen;
    }

    private static List<string> SelectUnits(KnowledgeSection section, HashSet<string>[] unitStems, HashSet<string> queryTerms, string? aspect)
    {
        var wholeSection = aspect is not null && section.Aspect == aspect;
        if (section.IsList && wholeSection)
        {
            return section.Units.Take(MaxListItems).ToList();
        }

        var scored = section.Units
            .Select((unit, i) => (Unit: unit, Index: i, Overlap: unitStems[i].Count(queryTerms.Contains)))
            .ToList();
        var limit = section.IsList ? MaxListItems / 2 : MaxSentences;
        var picked = scored.Where(s => s.Overlap > 0).OrderByDescending(s => s.Overlap).ThenBy(s => s.Index).Take(limit).ToList();
        if (wholeSection || picked.Count == 0)
        {
            // The section is what was asked for (or nothing matched word for word): lead with its opening.
            picked = picked.Concat(scored.Take(section.IsList ? limit : 2)).DistinctBy(s => s.Index).Take(limit).ToList();
        }

        return picked.OrderBy(s => s.Index).Select(s => s.Unit).ToList();
    }

    private static string Heading(KnowledgeSection section) =>
        section.Role is null
            ? $"{section.Topic} ({section.ArticleTitle}):"
            : $"{section.Role} — {section.Topic} ({section.ArticleTitle}):";

    private static int IndexOf(KnowledgeSnapshot knowledge, KnowledgeSection section) => knowledge.PositionOf(section);
}
