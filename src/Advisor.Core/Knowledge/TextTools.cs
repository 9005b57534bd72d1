using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Advisor.Core.Knowledge;

/// <summary>Small text helpers shared by the loader, the catalog and retrieval.</summary>
internal static partial class TextTools
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "vs", "etc", "ph.d", "dr", "mr", "mrs", "ms", "prof", "inc", "u.s", "st", "no", "fig", "approx",
    };

    /// <summary>Cleans a line read from a page: non-breaking and zero-width spaces, a known mis-decoded apostrophe.</summary>
    public static string CleanLine(string line)
    {
        if (line.Length == 0)
        {
            return line;
        }

        var s = line.Replace('\u00A0', ' ').Replace("\u200B", "", StringComparison.Ordinal).Replace("\uFEFF", "", StringComparison.Ordinal);
        // "masterβs": a right single quote that went through a wrong code page on its way into the page text.
        s = MisdecodedApostrophe().Replace(s, "’");
        return s.Trim();
    }

    /// <summary>Splits a paragraph into sentences, keeping "e.g.", "Ph.D." and the like inside them.</summary>
    public static List<string> Sentences(string paragraph)
    {
        var result = new List<string>();
        var start = 0;
        for (var i = 0; i < paragraph.Length; i++)
        {
            var c = paragraph[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            var next = i + 1;
            if (next < paragraph.Length && paragraph[next] is '"' or '”' or ')')
            {
                next++;
            }

            if (next >= paragraph.Length || paragraph[next] != ' ')
            {
                continue;
            }

            var after = next;
            while (after < paragraph.Length && paragraph[after] == ' ')
            {
                after++;
            }

            if (after >= paragraph.Length || !(char.IsUpper(paragraph[after]) || char.IsDigit(paragraph[after])))
            {
                continue;
            }

            if (c == '.' && EndsWithAbbreviation(paragraph, start, i))
            {
                continue;
            }

            result.Add(paragraph[start..next].Trim());
            start = after;
        }

        var tail = paragraph[start..].Trim();
        if (tail.Length > 0)
        {
            result.Add(tail);
        }

        return result;
    }

    private static bool EndsWithAbbreviation(string text, int start, int dot)
    {
        var wordStart = dot;
        while (wordStart > start && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] != '(')
        {
            wordStart--;
        }

        var word = text[wordStart..dot];
        return word.Length == 1 && char.IsUpper(word[0]) || Abbreviations.Contains(word);
    }

    /// <summary>"Educational Backgrounds" → "educational-backgrounds".</summary>
    public static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        var dash = false;
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            if (char.IsLetterOrDigit(c) && c < 128)
            {
                sb.Append(char.ToLowerInvariant(c));
                dash = false;
            }
            else if (!dash && sb.Length > 0 && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append('-');
                dash = true;
            }
        }

        return sb.ToString().Trim('-');
    }

    /// <summary>Capitalizes each word, keeping acronyms ("AI research" → "AI Research").</summary>
    public static string TitleCase(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            var w = words[i];
            if (w.Length > 0 && char.IsLower(w[0]) && (i == 0 || !MinorWords.Contains(w)))
            {
                words[i] = char.ToUpperInvariant(w[0]) + w[1..];
            }
        }

        return string.Join(' ', words);
    }

    private static readonly HashSet<string> MinorWords = new(StringComparer.Ordinal) { "and", "or", "of", "in", "the", "a", "an", "for", "to", "on", "vs.", "vs" };

    /// <summary>Lower-case words of a text, letters and digits only (apostrophe-s dropped).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (c is '\'' or '’' && sb.Length > 0 && i + 1 < text.Length && text[i + 1] is 's' or 'S'
                && (i + 2 >= text.Length || !char.IsLetterOrDigit(text[i + 2])))
            {
                i++; // possessive 's
            }

            if (sb.Length > 0)
            {
                words.Add(sb.ToString());
                sb.Clear();
            }
        }

        return words;
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions), capped.</summary>
    public static int EditDistance(string a, string b, int max = int.MaxValue)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var width = b.Length + 1;
        Span<int> rows = width * 3 <= 512 ? stackalloc int[width * 3] : new int[width * 3];
        var prev2 = rows[..width];
        var prev = rows.Slice(width, width);
        var cur = rows.Slice(width * 2, width);
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            var rowMin = cur[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, prev2[j - 2] + 1);
                }

                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            var spare = prev2;
            prev2 = prev;
            prev = cur;
            cur = spare;
        }

        return prev[b.Length];
    }

    /// <summary>Edits a word of this length may be off by and still count as the same word.</summary>
    public static int TypoBudget(int length) => length switch
    {
        < 5 => 0,
        < 9 => 1,
        _ => 2,
    };

    [GeneratedRegex(@"(?<=\p{Ll})β(?=s\b)")]
    private static partial Regex MisdecodedApostrophe();
}
