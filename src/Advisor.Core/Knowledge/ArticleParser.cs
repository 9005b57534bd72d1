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

        var (title, roles, blocks) = (read.Title, read.Roles, read.Blocks);
        var sections = BuildSections(relativePath, title, roles, blocks);
        if (sections.Count == 0)
        {
            throw new FormatException("no sections with text were found");
        }

        return new Article
        {
            File = relativePath,
            Title = title,
            SourceUrl = front.Source,
            Roles = roles.Where(r => sections.Any(s => s.Role == r)).ToList(),
            RoleAliases = front.Aliases,
            Sections = sections,
            Dropped = dropped,
            ContentHash = contentHash,
        };
    }

    /// <summary>What a reader of the file found: its title, the roles it names, its blocks.</summary>
    /// <param name="Echoes">Positions (in the lines read) of lines skipped as repeats of the title.</param>
    private sealed record Reading(string Title, List<string> Roles, List<Block> Blocks, List<int> Echoes);

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
        foreach (var alias in front.Aliases.Keys)
        {
            AddRole(roles, alias);
        }

        // Headings that come back under several topics are role subsections ("AI Scientist" under each topic).
        foreach (var repeated in lines.Skip(index).Where(LineShapes.IsHeadingLike).GroupBy(l => l).Where(g => g.Count() >= 2))
        {
            AddRole(roles, repeated.Key);
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

        return new Reading(title, roles, blocks, echoes);
    }

    private static Reading ReadMarkdown(List<string> lines, FrontMatter front, string path)
    {
        string? title = front.Title;
        var roles = title is null ? [] : RolesFromTitle(title);
        foreach (var alias in front.Aliases.Keys)
        {
            AddRole(roles, alias);
        }

        var blocks = new List<Block>();
        foreach (var raw in lines)
        {
            var line = StripInlineMarkdown(raw);
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
                    roles.AddRange(RolesFromTitle(text).Where(r => !roles.Contains(r)));
                }
                else if (level >= 3)
                {
                    AddRole(roles, text);
                    blocks.Add(new RoleBlock(Canonical(roles, text) ?? text));
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

        return new Reading(title ?? DeriveTitle(lines, path), roles, blocks, []);
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

    private static List<KnowledgeSection> BuildSections(string file, string title, List<string> roles, List<Block> blocks)
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
            var key = (t, role);
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

    private static void AddRole(List<string> roles, string name)
    {
        name = name.Trim();
        if (name.Length > 0 && Canonical(roles, name) is null)
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
