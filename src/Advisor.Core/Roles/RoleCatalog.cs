using Advisor.Core.Knowledge;

namespace Advisor.Core.Roles;

/// <summary>
/// The roles the knowledge describes, built from the articles (titles, role subsections, front-matter
/// aliases), with the names people type: "MLRE", "ML research engineer", "AI researcher", any case, small typos.
/// </summary>
public sealed class RoleCatalog
{
    private readonly List<(string[] Words, RoleInfo Role)> _names = [];
    private readonly Dictionary<string, RoleInfo> _byName = new(StringComparer.OrdinalIgnoreCase);

    // Names by their first word, and first words by (first letter, length) for typo-tolerant look-up.
    private readonly Dictionary<string, List<int>> _byFirstWord = new(StringComparer.Ordinal);
    private readonly Dictionary<(char, int), List<string>> _firstWordsByShape = [];

    public RoleCatalog(IReadOnlyList<Article> articles)
    {
        var order = new List<string>();
        var aliases = new Dictionary<string, List<string[]>>(StringComparer.OrdinalIgnoreCase);
        var articleTitles = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var article in articles)
        {
            foreach (var role in article.Roles)
            {
                if (!aliases.ContainsKey(role))
                {
                    order.Add(role);
                    aliases[role] = [.. RoleNames.Variants(role)];
                    articleTitles[role] = [];
                }

                if (!articleTitles[role].Contains(article.Title))
                {
                    articleTitles[role].Add(article.Title);
                }

                counts[role] = counts.GetValueOrDefault(role) + article.Sections.Count(s => s.Role == role);
                if (article.RoleAliases.TryGetValue(role, out var extra))
                {
                    aliases[role].AddRange(extra.Select(e => TextTools.Words(e).ToArray()).Where(w => w.Length > 0));
                }
            }
        }

        // A trailing part of a name that no other role shares is a name too: "architect", "research engineer".
        var suffixOwners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var role in order)
        {
            foreach (var variant in RoleNames.Variants(role))
            {
                for (var start = 0; start < variant.Length; start++)
                {
                    var key = string.Join(' ', variant[start..]);
                    if (!suffixOwners.TryGetValue(key, out var owners))
                    {
                        suffixOwners[key] = owners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    }

                    owners.Add(role);
                }
            }
        }

        foreach (var role in order)
        {
            var words = TextTools.Words(role).ToArray();
            for (var start = 1; start < words.Length; start++)
            {
                var suffix = words[start..];
                if (suffix[0].Length <= 2)
                {
                    continue; // "ml engineer" style leftovers and bare acronyms are too loose
                }

                // A one-word name is a person ("researcher", "architect"), never a discipline ("research" is everyone's word).
                var forms = RoleNames.PersonForms(suffix[^1]).Where(f => suffix.Length > 1 || !RoleNames.IsDiscipline(f))
                    .Select(f => (string[])[.. suffix[..^1], f]).ToList();
                var clash = forms.Any(f => suffixOwners.TryGetValue(string.Join(' ', f), out var owners) && owners.Any(o => o != role));
                if (!clash)
                {
                    aliases[role].AddRange(forms);
                }
            }
        }

        foreach (var role in order)
        {
            var distinct = aliases[role].Select(a => string.Join(' ', a)).Distinct().ToList();
            var info = new RoleInfo(role, distinct.Where(a => !a.Equals(role, StringComparison.OrdinalIgnoreCase)).ToList(), articleTitles[role], counts[role]);
            _byName[role] = info;
            foreach (var a in distinct)
            {
                _names.Add((a.Split(' '), info));
            }
        }

        // Longest names first, so "machine learning research engineer" wins over "research engineer".
        _names.Sort((x, y) => y.Words.Length.CompareTo(x.Words.Length));
        for (var i = 0; i < _names.Count; i++)
        {
            var first = _names[i].Words[0];
            if (!_byFirstWord.TryGetValue(first, out var list))
            {
                _byFirstWord[first] = list = [];
                var shape = (first[0], first.Length);
                if (!_firstWordsByShape.TryGetValue(shape, out var words))
                {
                    _firstWordsByShape[shape] = words = [];
                }

                words.Add(first);
            }

            list.Add(i);
        }
        Roles = order.Select(r => _byName[r]).ToList();
    }

    /// <summary>All roles, in order of first appearance in the knowledge.</summary>
    public IReadOnlyList<RoleInfo> Roles { get; }

    /// <summary>The role with this canonical name.</summary>
    public RoleInfo? Get(string canonicalName) => _byName.GetValueOrDefault(canonicalName);

    /// <summary>Roles named in a text, in order of appearance, with the word positions of each mention.</summary>
    public IReadOnlyList<(RoleInfo Role, int Start, int Length)> FindMentions(IReadOnlyList<string> words)
    {
        // Candidate names: those whose first word is a word of the text, exactly or within its typo budget.
        var candidates = new SortedSet<int>();
        foreach (var word in words)
        {
            if (word.Length == 0)
            {
                continue;
            }

            if (_byFirstWord.TryGetValue(word, out var exact))
            {
                candidates.UnionWith(exact);
            }

            var budget = TextTools.TypoBudget(word.Length);
            for (var len = word.Length - budget; budget > 0 && len <= word.Length + budget; len++)
            {
                if (_firstWordsByShape.TryGetValue((word[0], len), out var similar))
                {
                    foreach (var first in similar)
                    {
                        if (first != word && SameWord(word, first))
                        {
                            candidates.UnionWith(_byFirstWord[first]);
                        }
                    }
                }
            }
        }

        var found = new List<(RoleInfo, int, int)>();
        var used = new bool[words.Count];
        foreach (var n in candidates) // longest names first: the list is sorted that way
        {
            var (name, role) = _names[n];
            for (var i = 0; i + name.Length <= words.Count; i++)
            {
                if (used.AsSpan(i, name.Length).Contains(true) || !SameWords(words, i, name))
                {
                    continue;
                }

                used.AsSpan(i, name.Length).Fill(true);
                found.Add((role, i, name.Length));
            }
        }

        found.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return found;
    }

    /// <summary>The role a user typed ("mlre", "AI architekt"), or null.</summary>
    public RoleInfo? Resolve(string typed)
    {
        var words = TextTools.Words(typed);
        if (words.Count == 0)
        {
            return null;
        }

        // The whole text is a name, or names one role and little else ("the AI architect role").
        var mentions = FindMentions(words);
        return mentions.Select(m => m.Role).Distinct().Count() == 1 && mentions.Sum(m => m.Length) >= words.Count - 2 ? mentions[0].Role : null;
    }

    /// <summary>The known role whose name is closest to a typed text (for "did you mean").</summary>
    public RoleInfo? Closest(string typed)
    {
        var text = string.Join(' ', TextTools.Words(typed));
        if (text.Length == 0 || _names.Count == 0)
        {
            return null;
        }

        var best = _names
            .Select(n => (n.Role, Name: string.Join(' ', n.Words)))
            .Select(n => (n.Role, n.Name, Distance: TextTools.EditDistance(text, n.Name, 64) - SharedWords(text, n.Name.Split(' '))))
            .OrderBy(x => x.Distance)
            .First();

        // Only a plausible misspelling or partial name is offered as "did you mean".
        return best.Distance <= Math.Max(2, Math.Min(text.Length, best.Name.Length) / 3) ? best.Role : null;
    }

    /// <summary>Roles whose names start with or resemble a fragment, best first (autocomplete).</summary>
    public IReadOnlyList<RoleInfo> Suggest(string fragment, int max)
    {
        var text = string.Join(' ', TextTools.Words(fragment));
        if (text.Length == 0)
        {
            return Roles.Take(max).ToList();
        }

        return _names
            .Select(n => (n.Role, Name: string.Join(' ', n.Words)))
            .Select(n => (n.Role, Score: n.Name.StartsWith(text, StringComparison.Ordinal) ? 0
                : n.Name.Contains(text, StringComparison.Ordinal) ? 1
                : 2 + TextTools.EditDistance(text, n.Name[..Math.Min(n.Name.Length, text.Length)], 8)))
            .Where(x => x.Score <= 4)
            .GroupBy(x => x.Role.Name)
            .Select(g => (Role: g.First().Role, Score: g.Min(x => x.Score)))
            .OrderBy(x => x.Score).ThenBy(x => x.Role.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Role)
            .ToList();
    }

    private static int SharedWords(string text, string[] name) => text.Split(' ').Count(w => name.Contains(w)) * 2;

    // Everyday words that happen to start a role word: "AI art" is not "AI architect".
    private static readonly HashSet<string> CommonShortWords = new(StringComparer.Ordinal)
    {
        "art", "arts", "are", "area", "army", "arm", "for", "the", "and", "all", "can", "use", "see", "set", "rest", "pro",
        "man", "men", "add", "ads", "sea", "sex", "eng", "engine", "engines", "science", "scene", "design", "develop",
    };

    private static bool SameWords(IReadOnlyList<string> words, int at, string[] name)
    {
        for (var j = 0; j < name.Length; j++)
        {
            // The last word of a longer name may be cut short once the rest is exact: "ai sci", "ml research eng", and
            // the plural of such a clipped word ("ai archs").
            var typed = words[at + j];
            var clipped = typed.Length >= 4 && typed[^1] == 's' && !name[j].StartsWith(typed, StringComparison.Ordinal) ? typed[..^1] : typed;
            var shortened = j == name.Length - 1 && j > 0 && clipped.Length >= 3 && clipped.Length < name[j].Length && !CommonShortWords.Contains(clipped)
                && name[j].StartsWith(clipped, StringComparison.Ordinal) && Enumerable.Range(0, j).All(k => words[at + k] == name[k]);
            if (!shortened && !SameWord(words[at + j], name[j]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameWord(string typed, string known)
    {
        if (typed == known)
        {
            return true;
        }

        var budget = TextTools.TypoBudget(Math.Min(typed.Length, known.Length));
        return budget > 0 && typed[0] == known[0] && TextTools.EditDistance(typed, known, budget) <= budget;
    }
}
