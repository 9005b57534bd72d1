using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Advisor.Core.Retrieval;

/// <summary>
/// Ranks role sections for a question: BM25 text relevance (stemmed, with fuzzy terms for typos) plus what
/// the structure tells — the role the question names and the aspect it asks about.
/// </summary>
public static class Retriever
{
    /// <summary>Score added to sections about a role the question names.</summary>
    public const float RoleBoost = 5f;

    /// <summary>Score added to sections about the aspect the question asks about.</summary>
    public const float AspectBoost = 6f;

    /// <summary>Score added to general sections (outlook, tips) of an article about a role the question names.</summary>
    public const float ArticleRoleBoost = 3f;

    /// <summary>Weight of an indexed term standing in for a misspelt one.</summary>
    public const float FuzzyWeight = 0.7f;

    /// <summary>Weight of words added by <see cref="QueryExpansion"/>.</summary>
    public const float ExpansionWeight = 0.6f;

    private const int Top = 8;

    public static RetrievalResult Retrieve(KnowledgeSnapshot knowledge, string question, IReadOnlyList<ConversationTurn> history)
    {
        var index = knowledge.Index;
        var words = TextTools.Words(MentionGuard.Strip(question));
        var mentions = knowledge.Catalog.FindMentions(words);
        var roles = mentions.Select(m => m.Role).DistinctBy(r => r.Name).ToList();
        var (aspect, aspectPositions) = AspectLexicon.Detect(words);

        // The words that name neither a role nor the aspect are the question's content.
        var signal = new HashSet<int>(aspectPositions.Concat(mentions.SelectMany(m => Enumerable.Range(m.Start, m.Length))));
        var terms = new QueryTerms(index);
        var (content, covered) = ReadContent(index, words.Where((_, i) => !signal.Contains(i)), terms);

        var rolesFromHistory = false;
        if (roles.Count == 0 && history.Count > 0)
        {
            roles = RolesOfPreviousTurn(knowledge, history);
            rolesFromHistory = roles.Count > 0;
        }

        if (aspect is null && history.Count > 0 && content.Count == 0)
        {
            aspect = AspectOfPreviousTurn(history); // "what about AI Scientists?" keeps asking about the same aspect
        }

        // An aspect none of the named roles has a section for would pull toward other roles: leave it to the text.
        var boostedAspect = aspect is not null && roles.Count > 0 && !roles.Any(r => index.Covers(r.Name, aspect)) ? null : aspect;

        // Role names and boosted aspect words are counted by their boosts, not again as text (every heading of a role
        // repeats its name). The words of an aspect that could not be boosted do count as text.
        if (boostedAspect is null)
        {
            terms.Add(index.Analyze(string.Join(' ', aspectPositions.Order().Select(i => words[i]))), 1f);
        }

        terms.Add(index.Analyze(QueryExpansion.For(words)), ExpansionWeight);

        var coverage = content.Count == 0 ? 1.0 : (double)covered / content.Count;
        var hasSignal = roles.Count > 0 || aspect is not null;
        var inScope = content.Count == 0 ? hasSignal : coverage >= (hasSignal ? 0.5 : 0.6);

        var query = BuildQuery(terms, roles, boostedAspect);
        if (boostedAspect is null && aspect is not null && roles.Count > 0 && RelatedWordsOfRoles(index, aspect, roles) is { } related)
        {
            query.Add(related, Occur.SHOULD);
        }

        var ranked = new List<ScoredSection>(Top);
        if (query.Clauses.Count > 0)
        {
            foreach (var (doc, score) in index.Search(query, Top))
            {
                ranked.Add(new ScoredSection(index.Sections[doc], score));
            }
        }

        inScope &= ranked.Count > 0;
        var analysis = new QueryAnalysis(question, roles, rolesFromHistory, aspect, content, terms.Terms, coverage);
        return new RetrievalResult(analysis, ranked, inScope, Confidence(analysis, ranked, inScope), knowledge);
    }

    /// <summary>
    /// Stems the content words into <paramref name="terms"/>, a misspelt word by the indexed terms closest to it, and
    /// counts the content stems the knowledge knows (exactly, within the typo budget, or through an expansion).
    /// </summary>
    private static (List<string> Content, int Covered) ReadContent(SectionIndex index, IEnumerable<string> contentWords, QueryTerms terms)
    {
        var content = new List<string>();
        var covered = 0;
        foreach (var word in contentWords)
        {
            foreach (var term in index.Analyze(word).Where(t => !content.Contains(t)))
            {
                content.Add(term);
                if (index.Knows(term))
                {
                    covered++;
                    terms.Add([term], 1f);
                    continue;
                }

                var corrections = index.Corrections(term, TextTools.TypoBudget(term.Length));
                if (corrections.Count > 0 || QueryExpansion.Knows(word))
                {
                    covered++;
                }

                terms.Add(corrections, FuzzyWeight);
            }
        }

        return (content, covered);
    }

    /// <summary>The aspect's usual words, matched only in sections of the named roles (null when none is indexed).</summary>
    private static BooleanQuery? RelatedWordsOfRoles(SectionIndex index, string aspect, List<RoleInfo> roles)
    {
        var related = new BooleanQuery(disableCoord: true);
        foreach (var term in index.Analyze(AspectLexicon.Related(aspect)).Distinct().Where(index.Knows))
        {
            related.Add(new TermQuery(new Term(SectionIndex.Body, term)) { Boost = ExpansionWeight }, Occur.SHOULD);
        }

        if (related.Clauses.Count == 0)
        {
            return null;
        }

        var ofRoles = new BooleanQuery();
        foreach (var role in roles)
        {
            ofRoles.Add(new TermQuery(new Term(SectionIndex.RoleField, SectionIndex.RoleKey(role.Name))), Occur.SHOULD);
        }

        return new BooleanQuery { { new ConstantScoreQuery(ofRoles) { Boost = 0f }, Occur.MUST }, { related, Occur.MUST } };
    }

    private static BooleanQuery BuildQuery(QueryTerms terms, List<RoleInfo> roles, string? aspect)
    {
        var query = new BooleanQuery(disableCoord: true);
        foreach (var (term, weight) in terms.Weighted)
        {
            query.Add(new TermQuery(new Term(SectionIndex.Body, term)) { Boost = weight }, Occur.SHOULD);
            query.Add(new TermQuery(new Term(SectionIndex.Head, term)) { Boost = 1.5f * weight }, Occur.SHOULD);
        }

        foreach (var role in roles)
        {
            query.Add(new ConstantScoreQuery(new TermQuery(new Term(SectionIndex.RoleField, SectionIndex.RoleKey(role.Name)))) { Boost = RoleBoost }, Occur.SHOULD);
            query.Add(new ConstantScoreQuery(new TermQuery(new Term(SectionIndex.AboutField, SectionIndex.RoleKey(role.Name)))) { Boost = ArticleRoleBoost }, Occur.SHOULD);
        }

        if (aspect is not null)
        {
            query.Add(new ConstantScoreQuery(new TermQuery(new Term(SectionIndex.AspectField, aspect))) { Boost = AspectBoost }, Occur.SHOULD);
        }

        return query;
    }

    /// <summary>The indexed terms a query searches for, each once, at the weight it was first added with.</summary>
    private sealed class QueryTerms(SectionIndex index)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<(string Term, float Weight)> Weighted { get; } = [];

        public List<string> Terms => Weighted.Select(t => t.Term).ToList();

        public void Add(IEnumerable<string> terms, float weight)
        {
            foreach (var term in terms)
            {
                if (index.Knows(term) && _seen.Add(term))
                {
                    Weighted.Add((term, weight));
                }
            }
        }
    }

    private static double Confidence(QueryAnalysis q, List<ScoredSection> ranked, bool inScope)
    {
        if (ranked.Count == 0)
        {
            return 0;
        }

        var top = ranked[0].Section;
        var roleHit = q.Roles.Count == 0 ? 0.5 : q.Roles.Any(r => r.Name == top.Role) ? 1 : 0;
        var aspectHit = q.Aspect is null ? 0.5 : q.Aspect == top.Aspect ? 1 : 0;
        var value = (0.4 * q.Coverage) + (0.3 * roleHit) + (0.3 * aspectHit);
        return Math.Round(inScope ? value : Math.Min(value, 0.3) * q.Coverage, 2);
    }

    private static List<RoleInfo> RolesOfPreviousTurn(KnowledgeSnapshot knowledge, IReadOnlyList<ConversationTurn> history)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            var turn = history[i];
            var roles = turn.Answer?.Roles.Select(knowledge.Catalog.Get).OfType<RoleInfo>().ToList() ?? [];
            if (roles.Count == 0)
            {
                roles = knowledge.Catalog.FindMentions(TextTools.Words(turn.Question)).Select(m => m.Role).DistinctBy(r => r.Name).ToList();
            }

            if (roles.Count > 0)
            {
                return roles;
            }
        }

        return [];
    }

    private static string? AspectOfPreviousTurn(IReadOnlyList<ConversationTurn> history)
    {
        var last = history[^1];
        return last.Answer?.Aspect ?? AspectLexicon.Detect(TextTools.Words(last.Question)).Aspect;
    }
}
