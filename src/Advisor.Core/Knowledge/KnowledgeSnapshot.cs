using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;
using Advisor.Core.Understanding;

namespace Advisor.Core.Knowledge;

/// <summary>
/// One immutable, fully indexed version of the knowledge. Questions hold on to the snapshot they started
/// with; a reload swaps in a new one.
/// </summary>
public sealed class KnowledgeSnapshot
{
    private KnowledgeSnapshot(string root, IReadOnlyList<Article> articles, IReadOnlyList<LoadError> errors, IReadOnlyList<LoadError> skipped)
    {
        Root = root;
        Articles = articles;
        Errors = errors;
        Skipped = skipped;
        Sections = articles.SelectMany(a => a.Sections).ToList();
        SectionsById = Sections.ToDictionary(s => s.Id, StringComparer.Ordinal);
        SectionsByRole = Sections.Where(s => s.Role is not null).GroupBy(s => s.Role!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<KnowledgeSection>)g.ToList(), StringComparer.OrdinalIgnoreCase);
        _positions = Sections.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        Catalog = new RoleCatalog(articles);
        Index = new SectionIndex(Sections, articles.ToDictionary(a => a.File, a => a.Roles, StringComparer.Ordinal));
        Version = ComputeVersion(articles);
        RoleWords = Catalog.Roles.SelectMany(r => r.Aliases.Prepend(r.Name)).SelectMany(TextTools.Words).ToHashSet(StringComparer.Ordinal);
        RoleHeads = Catalog.Roles.Select(r => TextTools.Words(r.Name)).Where(w => w.Count > 0)
            .SelectMany(w => RoleNames.PersonForms(w[^1])).ToHashSet(StringComparer.Ordinal);
        Spelling = new Spelling(Sections.SelectMany(s => s.Units.Append(s.Topic).Append(s.ArticleTitle)).SelectMany(TextTools.Words)
            .Concat(RoleWords)
            .Concat(AspectLexicon.Vocabulary())
            .Concat(ChatText.Vocabulary())
            .Concat(JobTitles.Vocabulary())
            .Concat(QuestionReader.Vocabulary())
            .Concat(SectionIndex.QuestionWords),
            AspectLexicon.Prefixes(),
            RoleWords.Concat(JobTitles.Vocabulary()));
    }

    /// <summary>Every word of every role name and alias ("ai", "machine", "learning", "mlre", …).</summary>
    internal HashSet<string> RoleWords { get; }

    /// <summary>The head words of the covered roles' names, in their person forms ("architect", "engineer", "researcher").</summary>
    internal HashSet<string> RoleHeads { get; }

    /// <summary>Typo correction against the words of this knowledge and of the question reader.</summary>
    internal Spelling Spelling { get; }

    private readonly Dictionary<string, int> _positions;

    /// <summary>The folder it was loaded from (full path).</summary>
    public string Root { get; }

    /// <summary>A short id that changes whenever any file's content does.</summary>
    public string Version { get; }

    public IReadOnlyList<Article> Articles { get; }

    public IReadOnlyList<KnowledgeSection> Sections { get; }

    public IReadOnlyDictionary<string, KnowledgeSection> SectionsById { get; }

    /// <summary>Sections about each role (canonical name), in knowledge order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<KnowledgeSection>> SectionsByRole { get; }

    public RoleCatalog Catalog { get; }

    internal SectionIndex Index { get; }

    /// <summary>Files that could not be loaded, and why.</summary>
    public IReadOnlyList<LoadError> Errors { get; }

    /// <summary>
    /// Links that were not followed, and why: a link (to a file or a folder) whose target lies outside the knowledge
    /// folder, unless <see cref="AdvisorOptions.FollowLinksOutside"/> allows it, and a folder link that would loop.
    /// </summary>
    public IReadOnlyList<LoadError> Skipped { get; }

    /// <summary>How long reading, parsing and indexing took.</summary>
    public TimeSpan LoadTime { get; private set; }

    /// <summary>
    /// Loads and indexes a folder; links out of it are followed only with <paramref name="followLinksOutside"/>.
    /// Throws <see cref="KnowledgeLoadException"/> when nothing usable is there.
    /// </summary>
    public static KnowledgeSnapshot Load(string folder, bool followLinksOutside = false)
    {
        var clock = Stopwatch.StartNew();
        var (articles, errors, skipped) = KnowledgeLoader.LoadFolder(folder, followLinksOutside);
        if (articles.Count == 0)
        {
            var why = errors.Count + skipped.Count == 0
                ? $"the knowledge folder '{folder}' has no .txt or .md files"
                : $"no file in '{folder}' could be loaded: " + string.Join("; ", errors.Concat(skipped));
            throw new KnowledgeLoadException(why);
        }

        var snapshot = new KnowledgeSnapshot(Path.GetFullPath(folder), articles, errors, skipped);
        snapshot.LoadTime = clock.Elapsed;
        return snapshot;
    }

    /// <summary>Position of a section in <see cref="Sections"/>.</summary>
    internal int PositionOf(KnowledgeSection section) => _positions[section.Id];

    private static string ComputeVersion(IReadOnlyList<Article> articles)
    {
        var sb = new StringBuilder();
        foreach (var a in articles)
        {
            sb.Append(a.File).Append('\n').Append(a.ContentHash).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..12];
    }
}
