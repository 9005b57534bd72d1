using System.Text.RegularExpressions;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Knowledge;

/// <summary>
/// Recovers the structure a reader sees in an article (title, topics, role subsections, bullets) from
/// plain text or Markdown, and turns it into citable <see cref="KnowledgeSection"/>s.
/// </summary>
internal static partial class ArticleParser
{
    private const string IntroductionTopic = "Introduction";
    private const string ConclusionTopic = "Conclusion";

    private const int MaxRoleTitleWords = 5;

    // Words that join two names: a title with one of them is about more than one role, or about none.
    private static readonly HashSet<string> Joining = new(StringComparer.Ordinal) { "and", "or", "&", "+", "vs", "vs.", "versus" };

    // Words that end the lead-in to a job title: "Becoming a Data Analyst", "Life as an Engineer".
    private static readonly HashSet<string> Linking = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "as", "of", "for", "to", "on", "in", "at", "with", "about", "from", "into", "by", "like",
        "is", "are", "be", "being", "become", "becoming", "my", "your", "our", "their", "his", "her", "its",
    };

    private abstract record Block;
    private sealed record TopicBlock(string Text) : Block;
    private sealed record RoleBlock(string Role) : Block;
    private sealed record BulletBlock(string Text) : Block;
    private sealed record ParagraphBlock(string Text) : Block;
    private sealed record DefinitionBlock(string Role, string Text) : Block;

    /// <summary>Parses one file's text. Throws <see cref="FormatException"/> with a reader-facing reason.</summary>
    public static Article Parse(string relativePath, string text, string contentHash)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').ToList();
        var front = FrontMatter.Extract(lines);
        var markdown = relativePath.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
        var clean = lines.Select(TextTools.CleanLine).ToList();

        // Page-clutter rules are for pages saved as text; a Markdown file is its author's own structure.
        List<string> kept;
        List<int> keptLines;
        List<DroppedText> dropped = [];
        if (markdown)
        {
            kept = clean.Where(l => l.Length > 0).ToList();
            keptLines = [];
        }
        else
        {
            var filtered = PageClutter.Filter(clean, front.LineCount + 1);
            (kept, keptLines, dropped) = (filtered.Kept, filtered.KeptLines, filtered.Dropped);
        }

        if (kept.Count == 0)
        {
            throw new FormatException(dropped.Count == 0
                ? "the file has no text"
                : $"the file has no text besides page clutter ({string.Join(", ", dropped.Select(d => d.Reason).Distinct())})");
        }

        var read = markdown ? ReadMarkdown(kept, front, relativePath) : ReadPlain(kept, front, relativePath);
        if (read.Echoes.Count > 0)
        {
            dropped = [.. dropped.Concat(read.Echoes.Select(i => new DroppedText(keptLines[i], keptLines[i], PageClutter.Shorten(kept[i]), PageClutter.RepeatedTitle))).OrderBy(d => d.Line)];
        }

        var singleRole = SingleRole(read, front, markdown);
        var roles = singleRole is null ? read.Roles : [singleRole];
        var sections = BuildSections(relativePath, read.Title, roles, read.Blocks, singleRole);
        if (sections.Count == 0)
        {
            throw new FormatException("no sections with text were found");
        }

        return new Article
        {
            File = relativePath,
            Title = read.Title,
            SourceUrl = front.Source,
            Roles = roles.Where(r => sections.Any(s => s.Role == r)).ToList(),
            RoleAliases = AliasesByRole(front.Aliases, roles),
            Sections = sections,
            Dropped = dropped,
            ContentHash = contentHash,
        };
    }

    /// <summary>What a reader of the file found: its title, the roles it names, its blocks, and the roles that shape it.</summary>
    /// <param name="Structural">Roles named by an "X vs. Y" title or by role subsections (not by front-matter aliases).</param>
    /// <param name="Echoes">Positions (in the lines read) of lines skipped as repeats of the title.</param>
    private sealed record Reading(string Title, List<string> Roles, List<Block> Blocks, List<string> Structural, List<int> Echoes);

    /// <summary>
    /// The one role an article is about, or null. An article with no "X vs. Y" title and no role subsections is
    /// about one role when its front matter says <c>role:</c>, or (Markdown, or text with front matter) when its
    /// title is a short job title. Front matter naming one role for an article about several is an error.
    /// </summary>
    private static string? SingleRole(Reading read, FrontMatter front, bool markdown)
    {
        if (front.Role is { } declared)
        {
            var others = read.Structural.Where(r => Canonical([declared], r) is null).ToList();
            if (others.Count > 0)
            {
                throw new FormatException(
                    $"front matter says 'role: {declared}', but the article is about several roles ({string.Join(", ", others)}); "
                    + "remove 'role:' or write the article about that role alone");
            }

            return declared.Trim();
        }

        return read.Structural.Count == 0 && (markdown || front.Found) ? RoleFromTitle(read.Title) : null;
    }

    /// <summary>Front-matter aliases keyed by the article's own spelling of each role ("prompt engineers" → "Prompt Engineer").</summary>
    private static Dictionary<string, IReadOnlyList<string>> AliasesByRole(IReadOnlyDictionary<string, IReadOnlyList<string>> aliases, List<string> roles)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, names) in aliases)
        {
            var role = Canonical(roles, key) ?? key;
            result[role] = result.TryGetValue(role, out var earlier) ? [.. earlier, .. names.Except(earlier)] : names;
        }

        return result;
    }

    private static Reading ReadPlain(List<string> lines, FrontMatter front, string path)
    {
        var index = 0;
        string title;
        if (front.Title is not null)
        {
            title = front.Title;
        }
        else if (LineShapes.IsHeadingLike(lines[0]) && lines.Count > 1)
        {
            title = lines[0];
            index = 1;
        }
        else
        {
            title = DeriveTitle(lines, path);
        }

        var echoes = new List<int>();
        while (index < lines.Count && LineShapes.IsHeadingLike(lines[index]) && EchoesTitle(lines[index], title))
        {
            echoes.Add(index++); // repeated title, "Title: A Comprehensive Comparison" subtitles
        }

        var roles = RolesFromTitle(title);
        var structural = new List<string>(roles);
        foreach (var alias in front.Aliases.Keys)
        {
            AddRole(roles, alias);
        }

        // Headings that come back under several topics are role subsections ("AI Scientist" under each topic).
        foreach (var repeated in lines.Skip(index).Where(LineShapes.IsHeadingLike).GroupBy(l => l).Where(g => g.Count() >= 2))
        {
            AddRole(roles, repeated.Key);
            AddRole(structural, Canonical(roles, repeated.Key) ?? repeated.Key);
        }

        var blocks = new List<Block>();
        var pendingBullet = false;
        foreach (var line in lines.Skip(index))
        {
            if (LineShapes.IsLoneMarker(line))
            {
                pendingBullet = true;
                continue;
            }

            if (pendingBullet)
            {
                blocks.Add(new BulletBlock(line));
                pendingBullet = false;
                continue;
            }

            if (LineShapes.TryBullet(line, out var item))
            {
                blocks.Add(new BulletBlock(item));
                continue;
            }

            blocks.Add(Classify(line, roles, heading: LineShapes.IsHeadingLike(line)));
        }

        return new Reading(title, roles, blocks, structural, echoes);
    }

    private static Reading ReadMarkdown(List<string> lines, FrontMatter front, string path)
    {
        string? title = front.Title;
        var roles = title is null ? [] : RolesFromTitle(title);
        var structural = new List<string>(roles);
        foreach (var alias in front.Aliases.Keys)
        {
            AddRole(roles, alias);
        }

        var blocks = new List<Block>();
        foreach (var raw in lines)
        {
            var line = StripInlineMarkdown(raw);
            if (line.Length == 0)
            {
                continue; // a line of nothing but emphasis marks ("**", "``")
            }

            var heading = MarkdownHeading().Match(line);
            if (heading.Success)
            {
                var level = heading.Groups[1].Length;
                var text = heading.Groups[2].Value.Trim().TrimEnd('#').Trim();
                if (text.Length == 0)
                {
                    continue;
                }

                if (level == 1 && title is null)
                {
                    title = text;
                    var named = RolesFromTitle(text);
                    roles.AddRange(named.Where(r => !roles.Contains(r)));
                    structural.AddRange(named.Where(r => !structural.Contains(r)));
                }
                else if (level >= 3 && TextTools.Words(text).Count > 0)
                {
                    AddRole(roles, text);
                    var role = Canonical(roles, text) ?? text;
                    AddRole(structural, role);
                    blocks.Add(new RoleBlock(role));
                }
                else if (!(level == 1 && EchoesTitle(text, title!)))
                {
                    blocks.Add(Classify(text, roles, heading: true));
                }

                continue;
            }

            if (LineShapes.TryBullet(line, out var item))
            {
                blocks.Add(new BulletBlock(item));
                continue;
            }

            var plus = MarkdownBullet().Match(line);
            if (plus.Success)
            {
                blocks.Add(new BulletBlock(line[plus.Length..].Trim()));
                continue;
            }

            blocks.Add(Classify(line, roles, heading: false));
        }

        return new Reading(title ?? DeriveTitle(lines, path), roles, blocks, structural, []);
    }

    private static Block Classify(string line, List<string> roles, bool heading)
    {
        if (heading)
        {
            var role = Canonical(roles, line);
            return role is null ? new TopicBlock(line) : new RoleBlock(role);
        }

        var def = Definition().Match(line);
        if (def.Success && Canonical(roles, def.Groups["name"].Value) is { } defined)
        {
            return new DefinitionBlock(defined, def.Groups["text"].Value.Trim());
        }

        return new ParagraphBlock(line);
    }

    /// <remarks>With <paramref name="singleRole"/>, every section is about that role, whatever its topic.</remarks>
    private static List<KnowledgeSection> BuildSections(string file, string title, List<string> roles, List<Block> blocks, string? singleRole)
    {
        var order = new List<(string Topic, string? Role)>();
        var units = new Dictionary<(string, string?), (List<string> Units, bool IsList)>();
        var lastHeading = blocks.FindLastIndex(b => b is TopicBlock or RoleBlock);
        var mentions = roles.Select(r => (Role: r, Forms: RoleNames.Variants(r).Concat(RoleNames.LastWordForms(TextTools.Words(r)[^1]).Select(f => new[] { f })).ToList())).ToList();

        string topic = IntroductionTopic;
        string? explicitRole = null;
        var lastWasBullet = false;

        void Add(string t, string? role, IEnumerable<string> newUnits, bool bullet)
        {
            var key = (t, singleRole ?? role);
            if (!units.TryGetValue(key, out var entry))
            {
                entry = ([], false);
                order.Add(key);
            }

            entry.Units.AddRange(newUnits.Where(u => u.Length > 0));
            units[key] = (entry.Units, entry.IsList || bullet);
        }

        for (var i = 0; i < blocks.Count; i++)
        {
            switch (blocks[i])
            {
                case TopicBlock t:
                    topic = t.Text;
                    explicitRole = null;
                    lastWasBullet = false;
                    break;
                case RoleBlock r:
                    explicitRole = r.Role;
                    lastWasBullet = false;
                    break;
                case DefinitionBlock d:
                    Add(topic, d.Role, TextTools.Sentences(d.Text), bullet: false);
                    lastWasBullet = false;
                    break;
                case BulletBlock b:
                    Add(topic, explicitRole, [b.Text], bullet: true);
                    lastWasBullet = true;
                    break;
                case ParagraphBlock p:
                    if (lastWasBullet && explicitRole is null && i > lastHeading)
                    {
                        topic = ConclusionTopic; // closing words after the last list of the article
                    }

                    var sentences = TextTools.Sentences(p.Text);
                    Add(topic, explicitRole ?? RoleOfParagraph(sentences[0], mentions), sentences, bullet: false);
                    lastWasBullet = false;
                    break;
                default:
                    break;
            }
        }

        var sections = new List<KnowledgeSection>(order.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in order)
        {
            var (sectionUnits, isList) = units[key];
            if (sectionUnits.Count == 0)
            {
                continue;
            }

            var id = $"{file}#{TextTools.Slug(key.Topic)}" + (key.Role is null ? "" : $"/{TextTools.Slug(key.Role)}");
            var unique = id;
            for (var n = 2; !ids.Add(unique); n++)
            {
                unique = $"{id}-{n}";
            }

            sections.Add(new KnowledgeSection
            {
                Id = unique,
                File = file,
                ArticleTitle = title,
                Topic = key.Topic,
                Role = key.Role,
                Aspect = AspectLexicon.ForHeading(key.Topic),
                Units = sectionUnits,
                IsList = isList,
                Order = sections.Count,
            });
        }

        return sections;
    }

    /// <summary>The role a paragraph is about: the only role its first sentence names, else none.</summary>
    private static string? RoleOfParagraph(string firstSentence, List<(string Role, List<string[]> Forms)> mentions)
    {
        var words = TextTools.Words(firstSentence);
        string? found = null;
        foreach (var (role, forms) in mentions)
        {
            if (forms.Any(f => ContainsSequence(words, f)))
            {
                if (found is not null)
                {
                    return null; // names several roles: about none of them alone
                }

                found = role;
            }
        }

        return found;
    }

    private static bool ContainsSequence(List<string> words, string[] seq)
    {
        for (var i = 0; i + seq.Length <= words.Count; i++)
        {
            var ok = true;
            for (var j = 0; j < seq.Length && ok; j++)
            {
                ok = words[i + j] == seq[j];
            }

            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> RolesFromTitle(string title)
    {
        var roles = new List<string>();
        var main = title.Split(':')[0];
        var parts = VersusSplit().Split(main);
        if (parts.Length >= 2)
        {
            foreach (var part in parts)
            {
                AddRole(roles, TextTools.TitleCase(part.Trim().Trim('.', ',')));
            }
        }

        return roles;
    }

    /// <summary>
    /// The one role a short title names: its part before any colon has at most five words and ends in a
    /// job-title head ("Prompt Engineer", "Data Analysts: A Career Guide" → "Data Analyst"). Words before a
    /// linking word are not part of the name ("Becoming a Data Analyst" → "Data Analyst"). A title that joins
    /// several names ("X and Y", "X, Y") names no one role.
    /// </summary>
    private static string? RoleFromTitle(string title)
    {
        var words = title.Split(':')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Trim('.', '!', '?', '"', '“', '”', '(', ')'))
            .Where(w => w.Length > 0)
            .ToArray();
        if (words.Length is 0 or > MaxRoleTitleWords || words.Any(w => w.EndsWith(',') || Joining.Contains(w.ToLowerInvariant())))
        {
            return null;
        }

        var last = TextTools.Words(words[^1]);
        if (last.Count != 1 || JobTitles.Head(last[0]) is not { } head)
        {
            return null;
        }

        var capitalized = char.IsUpper(words[^1][0]);
        var start = words.Length - 1;
        while (start > 0 && !Linking.Contains(words[start - 1].ToLowerInvariant()) && !(capitalized && char.IsLower(words[start - 1][0])))
        {
            start--;
        }

        if (start == words.Length - 1 && JobTitles.NeedsModifier(head))
        {
            return null; // "Lead", "Owner": job titles only with a word that says which job
        }

        // The name in the singular, as the title spells it: "Prompt Engineers" → "Prompt Engineer".
        var spelled = words[^1];
        var singular = last[0] == head ? spelled
            : spelled.StartsWith(head, StringComparison.OrdinalIgnoreCase) ? spelled[..head.Length]
            : head;
        return TextTools.TitleCase(string.Join(' ', words[start..^1].Append(singular)));
    }

    private static void AddRole(List<string> roles, string name)
    {
        name = name.Trim();
        if (TextTools.Words(name).Count > 0 && Canonical(roles, name) is null) // a name has a word ("•" is no role)
        {
            roles.Add(name);
        }
    }

    /// <summary>The known role a heading or definition name refers to (plurals, ML/AI forms), if any.</summary>
    private static string? Canonical(List<string> roles, string text)
    {
        var words = TextTools.Words(text);
        if (words.Count == 0)
        {
            return null;
        }

        foreach (var role in roles)
        {
            if (RoleNames.Variants(role).Any(v => v.AsSpan().SequenceEqual(words.ToArray())))
            {
                return role;
            }
        }

        return null;
    }

    private static bool EchoesTitle(string line, string title)
    {
        static string Norm(string s) => string.Join(' ', TextTools.Words(s));
        var l = Norm(line);
        var t = Norm(title.Split(':')[0]);
        return l.Length > 0 && (l == t || l.StartsWith(t + " ", StringComparison.Ordinal));
    }

    /// <summary>A title for an article that has none: "X vs. Y" from "between X and Y", else the file name.</summary>
    private static string DeriveTitle(List<string> lines, string path)
    {
        foreach (var line in lines.Take(3))
        {
            var m = Between().Match(line);
            if (m.Success)
            {
                return $"{TextTools.TitleCase(m.Groups["a"].Value.Trim())} vs. {TextTools.TitleCase(m.Groups["b"].Value.Trim())}";
            }
        }

        var name = Path.GetFileNameWithoutExtension(path).Replace('-', ' ').Replace('_', ' ');
        return TextTools.TitleCase(name);
    }

    private static string StripInlineMarkdown(string line)
    {
        line = MarkdownLink().Replace(line, "$1");
        return line.Replace("**", "", StringComparison.Ordinal).Replace("__", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal).Trim();
    }

    [GeneratedRegex(@"\s+(?:vs\.?|versus)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex VersusSplit();

    [GeneratedRegex(@"differences? between (?<a>[\w\s\-]{2,60}?) and (?<b>[\w\s\-]{2,60}?)(?=\s+(?:is|are|was|can|will|helps?)\b|[,.;:]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Between();

    [GeneratedRegex(@"^(?<name>[^:]{2,60}):\s+(?<text>\S.*)$")]
    private static partial Regex Definition();

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"^[+]\s+")]
    private static partial Regex MarkdownBullet();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)")]
    private static partial Regex MarkdownLink();
}
