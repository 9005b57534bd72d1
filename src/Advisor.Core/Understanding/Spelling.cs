using Advisor.Core.Knowledge;

namespace Advisor.Core.Understanding;

/// <summary>
/// Corrects a misspelt word of a question ("eduction", "sceintist", "industy") to the closest word a reader of the
/// knowledge knows: the articles' own words, the role names, and the words the question reader listens for. A word
/// is corrected only when it is unknown, at least six letters long (shorter words are too often other real words), starts with the same letter and is within the
/// typo budget of its length (one edit up to eight letters, two beyond); the plural of a known word is not a typo. A five-letter word is corrected only when doubling
/// one of its letters gives exactly one known word ("skils" → "skills").
/// </summary>
internal sealed class Spelling
{
    private const int MinLength = 6;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<(char, int), List<string>> _byShape = [];

    private readonly string[] _prefixes;
    private readonly HashSet<string> _preferred;

    /// <param name="words">The words a reader knows.</param>
    /// <param name="prefixes">Stems whose every continuation is known too ("educat" for "education", "educated").</param>
    /// <param name="preferred">Words that win a tie between equally close candidates (the words of role names: "enginer" is "engineer", not "engine").</param>
    public Spelling(IEnumerable<string> words, IEnumerable<string> prefixes, IEnumerable<string>? preferred = null)
    {
        _prefixes = [.. prefixes];
        _preferred = new HashSet<string>(preferred ?? [], StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (word.Length == 0 || !_known.Add(word) || word.Length < MinLength - 1)
            {
                continue;
            }

            var shape = (word[0], word.Length);
            if (!_byShape.TryGetValue(shape, out var list))
            {
                _byShape[shape] = list = [];
            }

            list.Add(word);
        }

        foreach (var list in _byShape.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
    }

    /// <summary>True when the word is one the knowledge or the reader knows.</summary>
    public bool Knows(string word) => _known.Contains(word);

    /// <summary>The word, or the known word it is a typo of.</summary>
    public string Correct(string word)
    {
        if (word.Length == MinLength - 1 && !_known.Contains(word) && !ChatText.IsNumber(word) && Doubled(word) is { } doubled)
        {
            return doubled; // "skils": a short word is corrected only for the commonest slip, one letter of a pair left out
        }

        if (word.Length < MinLength || _known.Contains(word) || ChatText.IsNumber(word) || _prefixes.Any(p => word.StartsWith(p, StringComparison.Ordinal))
            || (word[^1] == 's' && _known.Contains(word[..^1])))
        {
            return word;
        }

        var budget = TextTools.TypoBudget(word.Length);
        string? best = null;
        var bestDistance = budget + 1;
        for (var len = word.Length - budget; len <= word.Length + budget; len++)
        {
            if (!_byShape.TryGetValue((word[0], len), out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var d = TextTools.EditDistance(word, candidate, budget);
                if (d < bestDistance || (d == bestDistance && best is not null && _preferred.Contains(candidate) && !_preferred.Contains(best)))
                {
                    best = candidate;
                    bestDistance = d;
                }
            }
        }

        // An ordinary English word is no typo: it becomes another form of itself ("annotation" → "annotator"), never
        // another word ("broad strokes" is not a strike, "regression evals" not a recession).
        return best is not null && (!EnglishWords.IsWhole(word) || EnglishWords.SameStem(word, best)) ? best : word;
    }

    /// <summary>The one known word the word becomes with one of its letters doubled, or null (none, or several).</summary>
    private string? Doubled(string word)
    {
        string? found = null;
        for (var i = 0; i < word.Length; i++)
        {
            if (!char.IsLetter(word[i]))
            {
                return null;
            }

            var candidate = word.Insert(i, word[i].ToString());
            if (_known.Contains(candidate) && candidate != found)
            {
                if (found is not null)
                {
                    return null;
                }

                found = candidate;
            }
        }

        return found;
    }
}
