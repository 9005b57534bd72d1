using System.Text;
using System.Text.RegularExpressions;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;

namespace Advisor.Models;

/// <summary>
/// Turns a model's raw text into an <see cref="Answer"/> whose citations can be trusted. The model marks each
/// claim with <c>[[section-id | "quote"]]</c>; a marker survives only when the id is one the model was given
/// (retrieved, or returned by a knowledge tool) and the quote occurs in that section (whitespace, quote marks
/// and case normalized). Surviving markers become [n]; the rest are removed.
/// </summary>
internal static partial class Grounding
{
    /// <summary>The outcome of checking a model's text.</summary>
    internal sealed record Result(string Text, IReadOnlyList<Citation> Citations, int Removed);

    public static Result Check(string raw, IReadOnlyDictionary<string, KnowledgeSection> citable)
    {
        var citations = new List<Citation>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var removed = 0;
        var text = Marker().Replace(raw, match =>
        {
            var id = match.Groups["id"].Value.Trim().Trim('`', '"', '\'');
            var quote = match.Groups["quote"].Success ? match.Groups["quote"].Value : "";
            if (!citable.TryGetValue(id, out var section) || FindVerbatim(section.Text, quote) is not { } verbatim)
            {
                removed++;
                return "";
            }

            if (!numbers.TryGetValue(id, out var n))
            {
                citations.Add(new Citation(section.ArticleTitle, section.Topic, section.Role, section.File, MentionGuard.Neutralize(verbatim)) { SectionId = id });
                n = citations.Count;
                numbers[id] = n;
            }

            return $" [{n}]";
        });

        return new Result(Tidy(text), citations, removed);
    }

    /// <summary>The text a reader should see while the answer streams: complete markers dropped, a marker still open held back.</summary>
    public static string Visible(string raw)
    {
        var text = Marker().Replace(raw, "");
        var open = text.LastIndexOf("[[", StringComparison.Ordinal);
        if (open >= 0)
        {
            text = text[..open];
        }
        else if (text.EndsWith('['))
        {
            text = text[..^1];
        }

        return text;
    }

    /// <summary>
    /// How much of <paramref name="pending"/> (streamed text not shown yet) can be shown now: up to and including its
    /// last whitespace that is neither inside a citation marker or a mention nor after a marker or mention that may
    /// still be open. What is settled never changes meaning when more text arrives, so each chunk is checked alone.
    /// </summary>
    public static int SettledLength(string pending)
    {
        var hold = pending.Length;
        var spans = new List<(int Start, int End)>(); // complete markers and mentions: never cut inside
        var i = 0;
        while (i < pending.Length)
        {
            if (pending[i] == '[' && i + 1 < pending.Length && pending[i + 1] == '[')
            {
                var marker = Marker().Match(pending, i);
                if (marker.Success && marker.Index == i)
                {
                    spans.Add((i, i + marker.Length));
                    i += marker.Length;
                    continue;
                }

                if (!CannotBecomeMarker(pending, i))
                {
                    hold = i;
                    break;
                }
            }
            else if (pending[i] == '<' && i + 1 < pending.Length && pending[i + 1] is '@' or '!')
            {
                var close = pending.IndexOf('>', i + 2);
                if (close < 0)
                {
                    hold = i; // "<@123" may become a mention: wait for its end
                    break;
                }

                spans.Add((i, close + 1));
                i = close + 1;
                continue;
            }

            i++;
        }

        var j = spans.Count - 1;
        for (var k = hold - 1; k >= 0; k--)
        {
            while (j >= 0 && spans[j].Start > k)
            {
                j--;
            }

            if (j >= 0 && k < spans[j].End)
            {
                k = spans[j].Start; // skip the span (the loop steps before it)
                continue;
            }

            if (pending[k] is ' ' or '\n' or '\t' or '\r')
            {
                return k + 1;
            }
        }

        return 0;
    }

    /// <summary>Removes complete citation markers (for streamed text that <see cref="SettledLength"/> let through).</summary>
    public static string StripMarkers(string text) => Marker().Replace(text, "");

    /// <summary>
    /// True when the "[[" at <paramref name="at"/> can no longer start a marker: no marker matches there although its
    /// first "]" and the character after it have arrived (the id and the quote cannot hold a "]"), or it has run
    /// longer than any marker can.
    /// </summary>
    private static bool CannotBecomeMarker(string text, int at)
    {
        const int MaxMarkerLength = 1000;
        var close = text.IndexOf(']', at + 2);
        return (close >= 0 && close + 1 < text.Length) || text.Length - at > MaxMarkerLength;
    }

    /// <summary>The span of <paramref name="section"/> that <paramref name="quote"/> matches, or null when it does not occur.</summary>
    public static string? FindVerbatim(string section, string quote)
    {
        var (needle, _) = Normalize(quote.Trim().Trim('"', '\u201C', '\u201D', '\'', '.', '…', ' ').Replace("...", " ", StringComparison.Ordinal));
        if (needle.Length < 3)
        {
            return null;
        }

        var (hay, map) = Normalize(section);
        var at = hay.IndexOf(needle, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = map[at];
        var end = map[at + needle.Length - 1] + 1;
        return section[start..end];
    }

    /// <summary>Lower case, typographic quotes and dashes made plain, runs of whitespace made one space; with a map back to the original.</summary>
    private static (string Text, int[] Map) Normalize(string s)
    {
        var sb = new StringBuilder(s.Length);
        var map = new List<int>(s.Length);
        var lastSpace = true;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                if (!lastSpace)
                {
                    sb.Append(' ');
                    map.Add(i);
                    lastSpace = true;
                }

                continue;
            }

            c = c switch
            {
                '\u2018' or '\u2019' or '\u201B' or '`' => '\'',
                '\u201C' or '\u201D' or '\u201F' => '"',
                '\u2013' or '\u2014' or '\u2212' => '-',
                _ => char.ToLowerInvariant(c),
            };
            sb.Append(c);
            map.Add(i);
            lastSpace = false;
        }

        if (sb.Length > 0 && sb[^1] == ' ')
        {
            sb.Length--;
            map.RemoveAt(map.Count - 1);
        }

        return (sb.ToString(), map.ToArray());
    }

    private static string Tidy(string text)
    {
        text = SpaceBeforeMarker().Replace(text, " [");
        text = SpaceBeforePunctuation().Replace(text, "$1");
        var lines = text.Split('\n').Select(l => l.TrimEnd());
        return MultipleBlankLines().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    [GeneratedRegex(@"\[\[(?<id>[^\]|\n]{1,300}?)(?:\|\s*(?<quote>[^\]\n]{0,600}?)\s*)?\]\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"[ \t]{2,}\[")]
    private static partial Regex SpaceBeforeMarker();

    [GeneratedRegex(@"[ \t]+([.,;:!?])(?=\s|$)")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex MultipleBlankLines();
}
