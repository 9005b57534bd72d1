using Advisor.Core.Knowledge;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Advisor.Core.Retrieval;

/// <summary>
/// An in-memory Lucene index of the sections of one snapshot: BM25 over the section text ("body") and its
/// headings ("head"), English stemming, plus keyword fields for the role and the aspect.
/// </summary>
internal sealed class SectionIndex
{
    public const string Body = "body";
    public const string Head = "head";

    /// <summary>The article's title: a question that names the article ("the research vs engineering piece") leans to its sections.</summary>
    public const string Title = "title";
    public const string RoleField = "role";
    public const string AspectField = "aspect";

    /// <summary>For a section about no single role: the roles of its article.</summary>
    public const string AboutField = "about";

    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // Words that carry no meaning for retrieval in a career question, on top of Lucene's English stop words.
    internal static readonly string[] QuestionWords =
    [
        "what", "which", "who", "whom", "whose", "how", "why", "when", "where", "do", "does", "did", "doing", "done",
        "i", "me", "my", "mine", "you", "your", "we", "our", "us", "he", "she", "him", "her", "his", "its", "them",
        "can", "could", "should", "would", "shall", "may", "might", "must", "need", "needs", "needed", "want", "wants",
        "tell", "about", "know", "get", "got", "good", "best", "better", "like", "much", "many", "some", "any", "have",
        "has", "had", "am", "from", "more", "most", "than", "also", "just", "so", "up", "out", "one", "vs", "versus",
        "between", "difference", "differences", "differ", "compare", "comparison", "please", "thanks", "thank",
        "hi", "hello", "hey", "someone", "person", "people", "typically", "usually", "really", "important", "matter",
        "matters", "useful", "worth", "right", "choose", "pick", "kind", "type", "sort", "role", "roles", "job", "jobs",
        "career", "careers", "position", "become", "becoming", "being", "been", "make", "makes", "go", "going", "s",
        "there", "here", "all", "each", "other", "same", "too", "very", "well", "both", "either", "whether", "if",
        "then", "now", "also", "as", "yes", "no", "ok", "okay", "again", "their", "they", "those", "these", "this",
        "that", "and", "or", "but", "usually", "often", "generally", "normally", "mostly", "main", "primary", "key",
        "biggest", "typical", "look", "looks", "looking", "without", "really", "actually", "basically", "exactly", "specific", "specifically", "certain", "the", "a", "an", "in", "on", "at", "for", "with", "to", "of", "by", "is", "are",
        "was", "were", "be", "it", "into", "such", "will", "not", "thing", "things", "stuff", "etc", "instead", "route",
    ];

    private readonly Analyzer _analyzer;
    private readonly IndexSearcher _searcher;
    private readonly IndexReader _reader;
    private readonly HashSet<(string Role, string Aspect)> _roleAspects = [];
    private readonly HashSet<string> _vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<(char, int), List<string>> _vocabularyByShape = [];

    public SectionIndex(IReadOnlyList<KnowledgeSection> sections, IReadOnlyDictionary<string, IReadOnlyList<string>> articleRoles)
    {
        Sections = sections;
        var stop = new CharArraySet(Version, EnglishAnalyzer.DefaultStopSet.Count + QuestionWords.Length, ignoreCase: true);
        stop.UnionWith(EnglishAnalyzer.DefaultStopSet);
        stop.UnionWith(QuestionWords);
        _analyzer = new EnglishAnalyzer(Version, stop);

        var directory = new RAMDirectory();
        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity(), OpenMode = OpenMode.CREATE };
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var section in sections)
            {
                var doc = new Document
                {
                    new TextField(Body, section.Text, Field.Store.NO),
                    new TextField(Head, section.Role is null ? section.Topic : $"{section.Topic} {section.Role}", Field.Store.NO),
                    new TextField(Title, section.ArticleTitle, Field.Store.NO),
                    new StringField(RoleField, RoleKey(section.Role), Field.Store.NO),
                    new StringField(AspectField, section.Aspect ?? "", Field.Store.NO),
                };
                var about = section.Role is null ? articleRoles.GetValueOrDefault(section.File) ?? [] : [];
                foreach (var role in about)
                {
                    doc.Add(new StringField(AboutField, RoleKey(role), Field.Store.NO));
                }

                writer.AddDocument(doc);
                if (section.Aspect is not null)
                {
                    foreach (var role in section.Role is null ? about : [section.Role])
                    {
                        _roleAspects.Add((RoleKey(role), section.Aspect));
                    }
                }
            }

            writer.ForceMerge(1);
        }

        _reader = DirectoryReader.Open(directory);
        foreach (var field in new[] { Body, Head })
        {
            var termsEnum = MultiFields.GetTerms(_reader, field)?.GetEnumerator();
            while (termsEnum is not null && termsEnum.MoveNext())
            {
                var term = termsEnum.Term.Utf8ToString();
                if (term.Length >= 4 && _vocabulary.Add(term))
                {
                    var shape = (term[0], term.Length);
                    if (!_vocabularyByShape.TryGetValue(shape, out var list))
                    {
                        _vocabularyByShape[shape] = list = [];
                    }

                    list.Add(term);
                }
            }
        }

        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
        UnitStems = sections.Select(s => s.Units.Select(u => Analyze(u).ToHashSet(StringComparer.Ordinal)).ToArray()).ToArray();
    }

    public IReadOnlyList<KnowledgeSection> Sections { get; }

    /// <summary>Stems of each unit of each section (same order as <see cref="Sections"/>).</summary>
    public HashSet<string>[][] UnitStems { get; }

    /// <summary>True when some section tells about this aspect for this role (directly or in its article's general sections).</summary>
    public bool Covers(string role, string aspect) => _roleAspects.Contains((RoleKey(role), aspect));

    /// <summary>True when some section of the knowledge is about this aspect.</summary>
    public bool HasAspect(string aspect) => Sections.Any(s => s.Aspect == aspect);

    public static string RoleKey(string? role) => role is null ? "" : role.ToLowerInvariant();

    /// <summary>The stems the index would make of a text (stop words removed).</summary>
    public List<string> Analyze(string text)
    {
        var result = new List<string>();
        using var stream = _analyzer.GetTokenStream(Body, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            result.Add(term.ToString());
        }

        stream.End();
        return result;
    }

    /// <summary>True when the stem occurs in more than half of the sections: a word of the whole field ("ai"), which tells nothing about a question.</summary>
    public bool IsUbiquitous(string stem) => SectionsUsing(stem) * 2 > Sections.Count;

    /// <summary>How many sections use the stem in their text.</summary>
    public int SectionsUsing(string stem) => _reader.DocFreq(new Term(Body, stem));

    /// <summary>True when the stem occurs in any section.</summary>
    public bool Knows(string stem) => _reader.DocFreq(new Term(Body, stem)) > 0 || _reader.DocFreq(new Term(Head, stem)) > 0;

    /// <summary>
    /// The indexed terms within <paramref name="edits"/> of a stem that the index does not know (a typo), closest
    /// first; the first letter must match, as in a fuzzy query with prefix length 1.
    /// </summary>
    public List<string> Corrections(string stem, int edits)
    {
        var found = new List<(string Term, int Distance)>();
        for (var len = stem.Length - edits; edits > 0 && len <= stem.Length + edits; len++)
        {
            if (!_vocabularyByShape.TryGetValue((stem[0], len), out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var d = TextTools.EditDistance(stem, candidate, edits);
                if (d <= edits)
                {
                    found.Add((candidate, d));
                }
            }
        }

        // A cut-short word stands for the longer term it starts ("telecom" for "telecommunications").
        if (found.Count == 0 && stem.Length >= 5)
        {
            foreach (var (shape, terms) in _vocabularyByShape)
            {
                if (shape.Item1 == stem[0] && shape.Item2 > stem.Length)
                {
                    found.AddRange(terms.Where(t => t.StartsWith(stem, StringComparison.Ordinal)).Select(t => (t, t.Length - stem.Length + edits)));
                }
            }
        }

        found.Sort((x, y) => x.Distance != y.Distance ? x.Distance.CompareTo(y.Distance) : string.CompareOrdinal(x.Term, y.Term));
        return found.Take(3).Select(f => f.Term).ToList();
    }

    public IEnumerable<(int Doc, float Score)> Search(Query query, int top) =>
        _searcher.Search(query, top).ScoreDocs.Select(d => (d.Doc, d.Score));
}
