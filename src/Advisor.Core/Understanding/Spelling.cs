using Advisor.Core.Knowledge;

namespace Advisor.Core.Understanding;

/// <summary>
/// Corrects a misspelt word of a question ("eduction", "sceintist", "industy") to the closest word a reader of the
/// knowledge knows: the articles' own words, the role names, and the words the question reader listens for. A word
/// is corrected only when it is unknown, at least six letters long (shorter words are too often other real words), starts with the same letter and is within the
/// typo budget of its length (one edit up to eight letters, two beyond); the plural of a known word is not a typo. A five-letter word is corrected only when doubling
/// one of its letters gives exactly one known word ("skils" → "skills"). A word no typo budget reaches that sounds like
/// exactly one word of a role's name is that word ("arkitect", "arquitecto" → "architect").
/// </summary>
internal sealed class Spelling
{
    private const int MinLength = 6;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<(char, int), List<string>> _byShape = [];

    private readonly string[] _prefixes;
    private readonly HashSet<string> _preferred;

    // The preferred words (the words of role names) by how they sound; null where two sound alike.
    private readonly Dictionary<string, string?> _bySound = new(StringComparer.Ordinal);

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

        foreach (var group in _preferred.Where(w => w.Length >= MinLength).GroupBy(Sound, StringComparer.Ordinal))
        {
            _bySound[group.Key] = group.Count() == 1 ? group.First() : null;
        }
    }

    /// <summary>
    /// How a word sounds, roughly: "c", "ch", "k", "qu" as one sound, "ph" as "f", vowels after the first letter and a
    /// doubled letter dropped ("arkitect", "archetect", "arquitecto" all sound like "architect").
    /// </summary>
    private static string Sound(string word)
    {
        var w = word.Replace("ch", "k", StringComparison.Ordinal).Replace("qu", "k", StringComparison.Ordinal)
            .Replace("ph", "f", StringComparison.Ordinal).Replace('c', 'k').Replace('y', 'i');
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < w.Length; i++)
        {
            if ((i > 0 && "aeiou".Contains(w[i], StringComparison.Ordinal)) || (sb.Length > 0 && sb[^1] == w[i]))
            {
                continue;
            }

            sb.Append(w[i]);
        }

        return sb.ToString();
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

        if (best is null && !EnglishWords.IsWhole(word) && _bySound.GetValueOrDefault(Sound(word)) is { } alike)
        {
            return alike; // "arkitect", "arquitecto": a role's word spelt as it sounds
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
