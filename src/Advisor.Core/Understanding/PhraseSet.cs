using Advisor.Core.Knowledge;

namespace Advisor.Core.Understanding;

/// <summary>
/// A set of trigger phrases matched against a question's words. A phrase ending in '*' matches its last word as a
/// prefix ("educat*"); others match whole words, with a plural 's' allowed. A phrase starting with '~' is weak: it
/// counts half, for words that only hint ("use", "how much").
/// </summary>
public sealed class PhraseSet
{
    private readonly Phrase[] _phrases;

    private sealed record Phrase(string[] Parts, bool Prefix, double Weight);

    public PhraseSet(IEnumerable<string> phrases)
    {
        _phrases = phrases.Select(Compile).Where(p => p.Parts.Length > 0).OrderByDescending(p => p.Parts.Length).ToArray();
    }

    /// <summary>Every word of its phrases (a prefix phrase's last word as written, without the '*').</summary>
    public IEnumerable<string> Words => _phrases.SelectMany(p => p.Parts);

    /// <summary>True when the set has no phrases.</summary>
    public bool IsEmpty => _phrases.Length == 0;

    /// <summary>
    /// The weight of the phrases found (each counted once), the position of the first, and the positions they cover.
    /// Words at positions in <paramref name="skip"/> (a role's name, say) are not read.
    /// </summary>
    public (double Weight, int First, List<int> Positions) Match(IReadOnlyList<string> words, ISet<int>? skip = null)
    {
        var weight = 0.0;
        var first = int.MaxValue;
        var positions = new List<int>();
        foreach (var phrase in _phrases)
        {
            // A phrase inside words a longer phrase already matched ("worth" in "worth it") does not count again.
            if (Find(words, phrase, skip) is { } at && Enumerable.Range(at, phrase.Parts.Length).Any(k => !positions.Contains(k)))
            {
                weight += phrase.Weight;
                first = Math.Min(first, at);
                for (var k = 0; k < phrase.Parts.Length; k++)
                {
                    positions.Add(at + k);
                }
            }
        }

        return (weight, first, positions);
    }

    /// <summary>
    /// <see cref="Match(IReadOnlyList{string}, ISet{int}?)"/> as if the words at <paramref name="gaps"/> were not there:
    /// "what is the job like" is found in "what is the AI Scientist job like" when the role's name is a gap. Positions
    /// are those of <paramref name="words"/>.
    /// </summary>
    public (double Weight, int First, List<int> Positions) MatchAcross(IReadOnlyList<string> words, ISet<int> gaps, ISet<int>? skip = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(gaps);
        if (gaps.Count == 0)
        {
            return Match(words, skip);
        }

        var kept = Enumerable.Range(0, words.Count).Where(i => !gaps.Contains(i)).ToList();
        var keptSkip = skip is null ? null : new HashSet<int>(kept.Select((original, k) => (original, k)).Where(p => skip.Contains(p.original)).Select(p => p.k));
        var (weight, first, positions) = Match([.. kept.Select(i => words[i])], keptSkip);
        return (weight, first == int.MaxValue ? first : kept[first], [.. positions.Select(k => kept[k])]);
    }

    /// <summary>Each phrase found (once, at its first place), longest first; a phrase inside a longer one found is left out.</summary>
    public List<(int Start, int Length, double Weight)> Matches(IReadOnlyList<string> words, ISet<int>? skip = null)
    {
        var result = new List<(int Start, int Length, double Weight)>();
        foreach (var phrase in _phrases)
        {
            if (Find(words, phrase, skip) is { } at && !result.Any(r => r.Start <= at && at + phrase.Parts.Length <= r.Start + r.Length))
            {
                result.Add((at, phrase.Parts.Length, phrase.Weight));
            }
        }

        return result;
    }

    /// <summary>True when any phrase occurs in the words.</summary>
    public bool Any(IReadOnlyList<string> words, ISet<int>? skip = null) => _phrases.Any(p => Find(words, p, skip) is not null);

    private static Phrase Compile(string text)
    {
        var weak = text.StartsWith('~');
        var body = weak ? text[1..] : text;
        var prefix = body.EndsWith('*');
        return new Phrase([.. TextTools.Words(body.TrimEnd('*'))], prefix, weak ? 0.5 : 1.0);
    }

    private static int? Find(IReadOnlyList<string> words, Phrase phrase, ISet<int>? skip)
    {
        var parts = phrase.Parts;
        for (var i = 0; i + parts.Length <= words.Count; i++)
        {
            var ok = true;
            for (var j = 0; j < parts.Length && ok; j++)
            {
                if (skip is not null && skip.Contains(i + j))
                {
                    ok = false;
                    break;
                }

                var w = words[i + j];
                var p = parts[j];
                var last = j == parts.Length - 1;
                ok = w == p
                    || (last && phrase.Prefix && w.StartsWith(p, StringComparison.Ordinal))
                    || (w.Length == p.Length + 1 && w[^1] == 's' && w.StartsWith(p, StringComparison.Ordinal));
            }

            if (ok)
            {
                return i;
            }
        }

        return null;
    }
}
