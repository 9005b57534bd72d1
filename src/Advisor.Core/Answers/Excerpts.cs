using Advisor.Core.Knowledge;

namespace Advisor.Core.Answers;

/// <summary>The units of a section an answer shows, and how many it leaves out.</summary>
/// <param name="Shown">Units as shown: verbatim, or a verbatim tail with a dangling connective left off.</param>
/// <param name="More">Units of the section not shown.</param>
public sealed record Excerpt(IReadOnlyList<string> Shown, int More)
{
    /// <summary>Where each shown unit stands in the section (a gap between two is shown as "…").</summary>
    public IReadOnlyList<int> Indexes { get; init; } = [];
}

/// <summary>
/// Picks what to quote from a section as whole thoughts: a sentence that leans on the one before ("They…", "Their
/// work…") brings that sentence along; a connective that points at text not shown ("In contrast, …") is left off
/// (what remains is still a verbatim part of the section); and the answer says how much more the section holds.
/// </summary>
public static class Excerpts
{
    private static readonly string[] Connectives =
    [
        "In contrast, ", "By contrast, ", "However, ", "On the other hand, ", "Similarly, ", "Likewise, ", "Additionally, ",
        "Moreover, ", "Furthermore, ", "Also, ", "Conversely, ", "Meanwhile, ", "Instead, ", "As a result, ", "Therefore, ",
        "Thus, ", "Hence, ", "Consequently, ", "Nevertheless, ", "Nonetheless, ", "In addition, ", "Still, ", "Yet, ",
    ];

    private static readonly HashSet<string> BackReferences = new(StringComparer.Ordinal)
    {
        "They", "Their", "Them", "These", "This", "Those", "It", "Its", "Such", "He", "She", "His", "Her", "Both",
    };

    /// <summary>
    /// The units to show. <paramref name="whole"/>: the section is what was asked for, so it leads with its opening
    /// (all of a short paragraph, up to <paramref name="limit"/> items of a list); otherwise the units sharing the most
    /// words with <paramref name="focus"/> come first, the opening when none does.
    /// </summary>
    public static Excerpt Pick(KnowledgeSection section, HashSet<string>[] unitStems, IReadOnlySet<string> focus, bool whole, int limit)
    {
        var units = section.Units;
        var n = units.Count;
        List<int> picked;
        if (whole)
        {
            picked = section.IsList || n > 4 ? Enumerable.Range(0, Math.Min(n, section.IsList ? limit : 3)).ToList() : Enumerable.Range(0, n).ToList();
            foreach (var i in Matching(unitStems, focus).Where(i => !picked.Contains(i)).Take(Math.Max(0, limit - picked.Count)))
            {
                picked.Add(i);
            }
        }
        else
        {
            picked = Matching(unitStems, focus).Take(limit).ToList();
            if (picked.Count == 0)
            {
                picked = Enumerable.Range(0, Math.Min(n, section.IsList ? limit : 2)).ToList();
            }
        }

        if (!section.IsList)
        {
            // A sentence that starts "They…" or "Their work…" is only whole with the sentence it leans on.
            for (var added = true; added;)
            {
                added = false;
                foreach (var i in picked.ToList())
                {
                    if (i > 0 && !picked.Contains(i - 1) && LeansOnPrevious(units[i]))
                    {
                        picked.Add(i - 1);
                        added = true;
                    }
                }
            }
        }

        picked.Sort();
        var shown = new List<string>(picked.Count);
        foreach (var i in picked)
        {
            var text = units[i];
            if (!section.IsList && !picked.Contains(i - 1))
            {
                text = WithoutDanglingConnective(text);
            }

            shown.Add(text);
        }

        return new Excerpt(shown, n - picked.Count) { Indexes = picked };
    }

    /// <summary>"In contrast, AI Engineering focuses…" → "AI Engineering focuses…" (only when what remains starts a sentence).</summary>
    public static string WithoutDanglingConnective(string sentence)
    {
        foreach (var connective in Connectives)
        {
            if (sentence.StartsWith(connective, StringComparison.Ordinal) && sentence.Length > connective.Length && char.IsUpper(sentence[connective.Length]))
            {
                return sentence[connective.Length..];
            }
        }

        return sentence;
    }

    /// <summary>"(2 more points in this section)" style note, or empty when nothing was left out.</summary>
    public static string MoreNote(KnowledgeSection section, int more) =>
        more <= 0 ? "" : section.IsList
            ? $"(+{more} more {(more == 1 ? "point" : "points")} in “{section.Topic}”)"
            : $"(+{more} more {(more == 1 ? "sentence" : "sentences")} in “{section.Topic}”)";

    private static bool LeansOnPrevious(string sentence)
    {
        var space = sentence.IndexOf(' ', StringComparison.Ordinal);
        var first = space < 0 ? sentence : sentence[..space];
        return BackReferences.Contains(first.TrimEnd(',', ':'));
    }

    private static IEnumerable<int> Matching(HashSet<string>[] unitStems, IReadOnlySet<string> focus) =>
        focus.Count == 0 ? [] : unitStems
            .Select((stems, i) => (Index: i, Overlap: stems.Count(focus.Contains)))
            .Where(x => x.Overlap > 0)
            .OrderByDescending(x => x.Overlap).ThenBy(x => x.Index)
            .Select(x => x.Index);
}
