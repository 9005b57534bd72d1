using System.Runtime.CompilerServices;
using System.Text;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Answers;

/// <summary>
/// The default composer, with no model: it quotes the sentences or bullet items of the sections that answer the
/// question, each cited — one role's sections for a question, both sides for a comparison, a short profile for a broad
/// question — or says plainly what the knowledge does not cover, or answers small talk.
/// </summary>
public sealed class ExtractiveComposer : IAnswerComposer
{
    private const int MaxListItems = 8;
    private const int MatchedItems = 4;
    private const int MatchedSentences = 3;

    public async IAsyncEnumerable<AnswerUpdate> ComposeStreamingAsync(AdvisorQuestion question, RetrievalResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var answer = Compose(retrieval);
        yield return new AnswerUpdate(answer.Text, answer);
    }

    /// <summary>Composes the extractive answer for a retrieval result, by what the question asks for.</summary>
    public static Answer Compose(RetrievalResult retrieval) => retrieval.Query.Intent switch
    {
        AnswerKind.SmallTalk => Replies.SmallTalk(retrieval),
        AnswerKind.UncoveredRole => Replies.UncoveredRole(retrieval),
        AnswerKind.UncoveredTopic => Replies.UncoveredTopic(retrieval),
        AnswerKind.Comparison => SideBySide.Compose(retrieval),
        AnswerKind.Profile => RoleProfile.Compose(retrieval),
        AnswerKind.Answer when retrieval.Ranked.Count > 0 => ComposeAnswer(retrieval),
        _ => Abstain(retrieval),
    };

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
            Kind = AnswerKind.OffTopic,
            Abstained = true,
            Confidence = retrieval.Confidence,
            Suggestions = closest.Select(MentionGuard.Neutralize).ToList(),
            Roles = retrieval.Query.Roles.Select(r => r.Name).ToList(),
            Aspect = retrieval.Query.Aspect,
            KnowledgeVersion = retrieval.Knowledge.Version,
        };
    }

    /// <summary>The sections an answer of this retrieval quotes, in order (what a model composer should see first).</summary>
    public static IReadOnlyList<KnowledgeSection> SectionsUsed(RetrievalResult retrieval) =>
        Compose(retrieval).Citations.Select(c => retrieval.Knowledge.SectionsById.GetValueOrDefault(c.SectionId)).OfType<KnowledgeSection>().ToList();

    private static Answer ComposeAnswer(RetrievalResult retrieval)
    {
        var q = retrieval.Query;
        var knowledge = retrieval.Knowledge;
        var chosen = ChooseSections(retrieval);
        var focus = q.QueryTerms.ToHashSet(StringComparer.Ordinal);
        var writer = new AnswerWriter(knowledge);
        foreach (var section in chosen)
        {
            var whole = q.Aspect is not null && section.Aspect == q.Aspect;
            var excerpt = Excerpts.Pick(section, knowledge.Index.UnitStems[knowledge.PositionOf(section)], focus, whole, whole ? MaxListItems : section.IsList ? MatchedItems : MatchedSentences);
            writer.Block(Heading(section)).Quote(section, excerpt);
        }

        return new Answer
        {
            Text = writer.ToString(),
            Citations = writer.Citations,
            Confidence = retrieval.Confidence,
            Roles = q.Roles.Count > 0 ? q.Roles.Select(r => r.Name).ToList() : chosen.Select(s => s.Role).OfType<string>().Distinct().ToList(),
            Aspect = q.Aspect ?? chosen[0].Aspect,
            KnowledgeVersion = knowledge.Version,
        };
    }

    private static List<KnowledgeSection> ChooseSections(RetrievalResult retrieval)
    {
        var ranked = retrieval.Ranked;
        var top = ranked[0];
        var chosen = new List<KnowledgeSection> { top.Section };

        // The same role and aspect told by another article (e.g. one role described in two articles).
        var twin = ranked.Skip(1).FirstOrDefault(s => s.Score >= top.Score * 0.85 && s.Section.Role == top.Section.Role
            && s.Section.Aspect == top.Section.Aspect && s.Section.File != top.Section.File);
        if (twin is not null)
        {
            chosen.Add(twin.Section);
        }

        return chosen;
    }

    internal static string Heading(KnowledgeSection section) =>
        section.Role is null
            ? $"{section.Topic} ({section.ArticleTitle}):"
            : $"{section.Role} — {section.Topic} ({section.ArticleTitle}):";
}
