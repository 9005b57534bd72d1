using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Roles;
using Advisor.Discord.Rest;

namespace Advisor.Discord.Messages;

/// <summary>Turns answers, comparisons and notices into Discord messages that respect every length limit.</summary>
internal static class DiscordFormatter
{
    public const int ContentLimit = 2000;
    public const int TitleLimit = 256;
    public const int DescriptionLimit = 4096;
    public const int FieldNameLimit = 256;
    public const int FieldValueLimit = 1024;
    public const int MaxFields = 25;
    public const int EmbedTotalLimit = 6000;
    public const int AnswerColor = 0x2B6CB0;

    /// <summary>Components V2: at most 40 components in a message, nested ones included.</summary>
    public const int V2ComponentLimit = 40;

    /// <summary>Components V2: at most 4,000 characters of text in all (community docs; BRIEF-2 D8).</summary>
    public const int V2TextLimit = 4000;

    /// <summary>Components kept free in a V2 comparison for the Share row (an action row and its button).</summary>
    public const int V2Reserved = 2;

    /// <summary>An answer: the text in embed descriptions, the citations as fields ("[n] Article › Section › Role").</summary>
    public static IReadOnlyList<DiscordMessagePayload> Answer(Answer answer)
    {
        var text = new StringBuilder(answer.Text.Trim());
        if (answer.Abstained && answer.Suggestions.Count > 0 && !answer.Suggestions.Any(s => answer.Text.Contains(s, StringComparison.Ordinal)))
        {
            text.Append("\n\nClosest sections:\n").AppendJoin('\n', answer.Suggestions.Select(s => "- " + s));
        }

        if (!string.IsNullOrWhiteSpace(answer.Note))
        {
            text.Append("\n\nNote: ").Append(answer.Note.Trim());
        }

        var fields = answer.Citations
            .Select((c, i) => new EmbedField($"[{i + 1}] {c.Label}", string.IsNullOrWhiteSpace(c.Quote) ? c.File : $"“{c.Quote.Trim()}” ({c.File})"))
            .ToList();
        var title = answer.Kind switch
        {
            _ when answer.Abstained => "Not covered by the knowledge",
            AnswerKind.Comparison => "Comparison",
            AnswerKind.Profile => "Overview",
            AnswerKind.SmallTalk or AnswerKind.Command => "Advisor",
            _ => "Answer",
        };
        return Pack(title, text.ToString(), fields);
    }

    /// <summary>A comparison: one field per aspect with both roles' cells (or one "Both" cell), the sources in the description.</summary>
    public static IReadOnlyList<DiscordMessagePayload> Comparison(RoleComparison comparison)
    {
        var citations = new List<string>();
        string Cite(Citation c)
        {
            var index = citations.IndexOf(c.Label);
            if (index < 0)
            {
                citations.Add(c.Label);
                index = citations.Count - 1;
            }

            return $"[{index + 1}]";
        }

        string Side(string label, ComparisonCell? cell) =>
            cell is null ? $"**{label}**: the knowledge says nothing about this." : $"**{label}**: {string.Join("; ", cell.Points)} {Cite(cell.Citation)}";

        // A row one section answers for both roles shows that text once, as "Both".
        var fields = comparison.Rows
            .Select(r => new EmbedField(r.AspectTitle, r.Both is { } both ? Side("Both", both) : Side(comparison.RoleA, r.A) + "\n" + Side(comparison.RoleB, r.B)))
            .ToList();
        var description = "Sources:\n" + string.Join('\n', citations.Select((l, i) => $"[{i + 1}] {l}"));
        return Pack($"{comparison.RoleA} vs {comparison.RoleB}", description, fields);
    }

    /// <summary>
    /// Components V2: UTF-8 bytes of Text Display content (plus 12 per display) kept under this; webhook sends past
    /// about 10,170 return 500 (BRIEF-2 D8).
    /// </summary>
    public const int V2ByteLimit = 10_000;

    /// <summary>Text kept free in every V2 comparison part for the "-# Shared by &lt;@id&gt;" line a Share adds.</summary>
    public const int V2ShareTextReserve = 48;

    /// <summary>
    /// A comparison as Components V2 messages (flag 32768), as many as its aspects need: each a container with a
    /// heading ("(i/n)" when split), one text display per aspect (both roles' points, or one "Both", each with its
    /// citation number), a separator and the sources that part cites. Citation numbers are the same in every part.
    /// Every part stays within 40 components (<see cref="V2Reserved"/> kept for the Share row), 4,000 characters of
    /// text (<see cref="V2ShareTextReserve"/> kept for the Share byline) and <see cref="V2ByteLimit"/> bytes. Aspects
    /// are never cut: null when one aspect alone cannot fit a part, and the caller then sends the embeds
    /// (<see cref="Comparison"/>).
    /// </summary>
    public static IReadOnlyList<DiscordMessagePayload>? ComparisonV2(RoleComparison comparison)
    {
        var citations = new List<string>();
        int Cite(Citation c)
        {
            var index = citations.IndexOf(c.Label);
            if (index < 0)
            {
                citations.Add(c.Label);
                index = citations.Count - 1;
            }

            return index;
        }

        (string Text, List<int> Cited) Side(string label, ComparisonCell? cell)
        {
            if (cell is null)
            {
                return ($"**{label}**: the knowledge says nothing about this.", []);
            }

            var n = Cite(cell.Citation);
            return ($"**{label}**: {string.Join("; ", cell.Points)} [{n + 1}]", [n]);
        }

        // Every aspect's block with the citations it uses, numbered once across all parts.
        var aspects = new List<(string Content, List<int> Cited)>();
        foreach (var row in comparison.Rows)
        {
            string cells;
            List<int> cited;
            if (row.Both is { } both)
            {
                (cells, cited) = Side("Both", both);
            }
            else
            {
                var (a, ca) = Side(comparison.RoleA, row.A);
                var (b, cb) = Side(comparison.RoleB, row.B);
                cells = a + "\n" + b;
                cited = [.. ca, .. cb];
            }

            aspects.Add((MentionGuard.Neutralize($"### {row.AspectTitle}\n{cells}"), cited));
        }

        var heading = $"## {comparison.RoleA} vs {comparison.RoleB}";
        string Heading(int part, int parts) => MentionGuard.Neutralize(parts == 1 ? heading : $"{heading} ({part}/{parts})");
        string Sources(IEnumerable<int> cited) =>
            MentionGuard.Neutralize("-# Sources\n" + string.Join('\n', cited.Distinct().Order().Select(i => $"[{i + 1}] {citations[i]}")));

        // Sized with the longest heading a split could have ("(99/99)"), so numbering the parts never breaks a limit.
        var widest = Heading(99, 99);
        bool Fits(IReadOnlyList<(string Content, List<int> Cited)> part)
        {
            string[] texts = [widest, .. part.Select(p => p.Content), Sources(part.SelectMany(p => p.Cited))];
            var components = 1 + texts.Length + 1 + V2Reserved; // container, text displays, separator, Share row
            var chars = texts.Sum(t => t.Length) + V2ShareTextReserve;
            var bytes = texts.Sum(t => Encoding.UTF8.GetByteCount(t) + 12) + V2ShareTextReserve * 4 + 12;
            return components <= V2ComponentLimit && chars <= V2TextLimit && bytes <= V2ByteLimit;
        }

        var parts = new List<List<(string Content, List<int> Cited)>>();
        foreach (var aspect in aspects)
        {
            if (parts.Count > 0 && Fits([.. parts[^1], aspect]))
            {
                parts[^1].Add(aspect);
                continue;
            }

            if (!Fits([aspect]))
            {
                return null;
            }

            parts.Add([aspect]);
        }

        if (parts.Count == 0)
        {
            parts.Add([]);
        }

        return parts.Select((part, i) =>
        {
            var blocks = new List<DiscordComponent> { TextDisplay(Heading(i + 1, parts.Count)) };
            blocks.AddRange(part.Select(p => TextDisplay(p.Content)));
            blocks.Add(new DiscordComponent { Type = DiscordComponent.Separator, Divider = true, Spacing = 1 });
            blocks.Add(TextDisplay(Sources(part.SelectMany(p => p.Cited))));
            return new DiscordMessagePayload
            {
                Flags = DiscordMessagePayload.ComponentsV2Flag,
                Components = [new DiscordComponent { Type = DiscordComponent.Container, AccentColor = AnswerColor, Components = blocks }],
            };
        }).ToList();

        // Content is neutralized by the caller, so its measured length is the sent length.
        static DiscordComponent TextDisplay(string markdown) => new() { Type = DiscordComponent.TextDisplay, Content = markdown };
    }

    public static IReadOnlyList<DiscordMessagePayload> Roles(IReadOnlyList<RoleInfo> roles)
    {
        if (roles.Count == 0)
        {
            return Text("The knowledge describes no roles yet.");
        }

        var fields = roles.Select(r => new EmbedField(
            r.Name,
            $"{r.SectionCount} sections in {string.Join(", ", r.Articles)}" + (r.Aliases.Count > 0 ? $"\nAlso: {string.Join(", ", r.Aliases)}" : "")))
            .ToList();
        return Pack("Roles in the knowledge", $"{roles.Count} roles. Compare two with /compare.", fields);
    }

    /// <summary>Plain text split into messages of at most 2,000 characters.</summary>
    public static IReadOnlyList<DiscordMessagePayload> Text(string text, bool ephemeral = false) =>
        Split(MentionGuard.Neutralize(text), ContentLimit)
            .Select(chunk => new DiscordMessagePayload { Content = chunk, Flags = ephemeral ? DiscordMessagePayload.EphemeralFlag : null })
            .ToList();

    /// <summary>
    /// Description chunks, then fields, packed into one embed per message within every embed limit. Callers pass raw
    /// text: mentions are neutralized here first and only then is anything cut to its limit, so the zero-width spaces
    /// can never push a title, description or field past Discord's limits.
    /// </summary>
    public static IReadOnlyList<DiscordMessagePayload> Pack(string title, string description, IReadOnlyList<EmbedField> fields)
    {
        title = Truncate(MentionGuard.Neutralize(title), TitleLimit - 16);
        var chunks = Split(MentionGuard.Neutralize(description), DescriptionLimit);
        var embeds = new List<(string? Description, List<EmbedField> Fields)>();
        foreach (var chunk in chunks)
        {
            embeds.Add((chunk, []));
        }

        if (embeds.Count == 0)
        {
            embeds.Add((null, []));
        }

        foreach (var raw in fields)
        {
            var field = new EmbedField(
                Truncate(MentionGuard.Neutralize(raw.Name), FieldNameLimit),
                Truncate(MentionGuard.Neutralize(raw.Value), FieldValueLimit),
                raw.Inline);
            var last = embeds[^1];
            var used = title.Length + 16 + (last.Description?.Length ?? 0) + last.Fields.Sum(f => f.Name.Length + f.Value.Length);
            if (last.Fields.Count >= MaxFields || used + field.Name.Length + field.Value.Length > EmbedTotalLimit)
            {
                embeds.Add((null, []));
                last = embeds[^1];
            }

            last.Fields.Add(field);
        }

        return embeds.Select((e, i) => new DiscordMessagePayload
        {
            Embeds =
            [
                new DiscordEmbed
                {
                    Title = embeds.Count == 1 ? title : $"{title} ({i + 1}/{embeds.Count})",
                    Description = e.Description,
                    Fields = e.Fields.Count == 0 ? null : e.Fields,
                    Color = AnswerColor,
                },
            ],
        }).ToList();
    }

    /// <summary>Splits text into pieces of at most <paramref name="limit"/> characters at paragraph, line or word breaks.</summary>
    public static IReadOnlyList<string> Split(string text, int limit)
    {
        var pieces = new List<string>();
        var rest = text.Trim();
        while (rest.Length > limit)
        {
            var window = rest[..limit];
            var cut = window.LastIndexOf("\n\n", StringComparison.Ordinal);
            if (cut < limit / 2)
            {
                cut = window.LastIndexOf('\n');
            }

            if (cut < limit / 2)
            {
                cut = window.LastIndexOf(' ');
            }

            if (cut < limit / 2)
            {
                cut = limit;
                if (char.IsHighSurrogate(rest[cut - 1]))
                {
                    cut--;
                }
            }

            pieces.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            pieces.Add(rest);
        }

        return pieces;
    }

    public static string Truncate(string text, int limit)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return "\u200B";
        }

        if (text.Length <= limit)
        {
            return text;
        }

        var cut = limit - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut].TrimEnd() + "…";
    }
}
