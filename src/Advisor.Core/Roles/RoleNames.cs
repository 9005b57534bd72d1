namespace Advisor.Core.Roles;

/// <summary>
/// The ways people write a role's name: plurals, the person for the discipline ("AI researcher" for
/// "AI Research"), "ML" for "Machine Learning", initials ("MLRE"). Produced from the name itself, so the
/// catalog needs no hard-coded list of roles.
/// </summary>
internal static class RoleNames
{
    // discipline ↔ person: the last word of a role name in its other form.
    private static readonly (string Discipline, string Person)[] Forms =
    [
        ("research", "researcher"), ("engineering", "engineer"), ("science", "scientist"),
        ("architecture", "architect"), ("analytics", "analyst"), ("analysis", "analyst"), ("design", "designer"),
        ("management", "manager"), ("development", "developer"), ("consulting", "consultant"),
    ];

    private static readonly (string[] Long, string[] Short)[] Abbreviations =
    [
        (["machine", "learning"], ["ml"]),
        (["artificial", "intelligence"], ["ai"]),
        (["deep", "learning"], ["dl"]),
        (["natural", "language", "processing"], ["nlp"]),
        (["computer", "vision"], ["cv"]),
    ];

    /// <summary>True for the short form of a phrase role names use ("ml", "ai", "nlp").</summary>
    public static bool IsShortForm(string word) => Abbreviations.Any(a => a.Short.Length == 1 && a.Short[0] == word);

    /// <summary>Word sequences (lower case) that name the role, the name itself first.</summary>
    public static IReadOnlyList<string[]> Variants(string name)
    {
        var words = Knowledge.TextTools.Words(name).ToArray();
        var result = new List<string[]>();
        if (words.Length == 0)
        {
            return result;
        }

        var spelled = new List<string[]> { words };
        foreach (var (longForm, shortForm) in Abbreviations)
        {
            foreach (var w in spelled.ToArray())
            {
                var expanded = Replace(w, longForm, shortForm) ?? Replace(w, shortForm, longForm);
                if (expanded is not null)
                {
                    spelled.Add(expanded);
                }
            }
        }

        foreach (var w in spelled)
        {
            foreach (var last in LastWordForms(w[^1]))
            {
                var v = (string[])w.Clone();
                v[^1] = last;
                Add(result, v);
            }
        }

        // Initials of a name written with three words or more ("mlre", "mlres"). Not of spelled-out abbreviations:
        // "Artificial Intelligence Research" would make "air", a word people type for other things.
        if (words.Length >= 3)
        {
            var initials = string.Concat(words.Select(x => x[0]));
            Add(result, [initials]);
            Add(result, [initials + "s"]);
        }

        return result;
    }

    /// <summary>The last word in all its forms: itself, plural, the person/discipline counterpart and its plural.</summary>
    public static IEnumerable<string> LastWordForms(string last)
    {
        yield return last;
        if (!Forms.Any(f => f.Discipline == last))
        {
            yield return Plural(last);
        }

        foreach (var (discipline, person) in Forms)
        {
            if (last == discipline)
            {
                yield return person;
                yield return Plural(person);
            }
            else if (last == person)
            {
                yield return discipline;
            }
        }
    }

    /// <summary>True for the word of a discipline ("research", "engineering"), not of a person.</summary>
    public static bool IsDiscipline(string word) => Forms.Any(f => f.Discipline == word || Plural(f.Discipline) == word);

    /// <summary>The name of the person in a role: "AI Researcher" for "AI Research", the name itself otherwise.</summary>
    public static string PersonName(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return name;
        }

        var last = parts[^1].ToLowerInvariant();
        foreach (var (discipline, person) in Forms)
        {
            if (last == discipline)
            {
                parts[^1] = char.IsUpper(parts[^1][0]) ? char.ToUpperInvariant(person[0]) + person[1..] : person;
                return string.Join(' ', parts);
            }
        }

        return name;
    }

    /// <summary>"AI Researchers", "data analysts", "heads of AI": the plural of a name's last word, or of its first before "of".</summary>
    public static string PluralName(string name)
    {
        // "head of AI research" → "heads of AI research": the title is the word before "of".
        var of = name.IndexOf(" of ", StringComparison.Ordinal);
        if (of > 0 && name.IndexOf(' ', StringComparison.Ordinal) == of)
        {
            return PluralName(name[..of]) + name[of..];
        }

        var space = name.LastIndexOf(' ');
        var last = name[(space + 1)..];
        return last.EndsWith('s') && !last.EndsWith("ss", StringComparison.Ordinal) ? name : name[..(space + 1)] + Plural(last);
    }

    /// <summary>"a" or "an" before a name ("an AI Architect", "a Machine Learning Research Engineer", "an ML engineer").</summary>
    public static string Article(string name)
    {
        var first = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (first.Length == 0)
        {
            return "a";
        }

        var acronym = first.Length <= 4 && first.All(char.IsUpper);
        return acronym ? ("AEFHILMNORSX".Contains(first[0], StringComparison.Ordinal) ? "an" : "a")
            : "aeiouAEIOU".Contains(first[0], StringComparison.Ordinal) ? "an" : "a";
    }

    /// <summary>The discipline whose person a word names ("researchers" → "research"), or null.</summary>
    public static string? DisciplineOfPerson(string word) =>
        Forms.Where(f => f.Person == word || Plural(f.Person) == word).Select(f => f.Discipline).FirstOrDefault();

    /// <summary>A word as a person is named by it: itself, its plural, and for a discipline the person who does it.</summary>
    public static IEnumerable<string> PersonForms(string last)
    {
        yield return last;
        yield return Plural(last);
        foreach (var (discipline, person) in Forms)
        {
            if (last == discipline)
            {
                yield return person;
                yield return Plural(person);
            }
        }
    }

    private static string Plural(string word) =>
        word.EndsWith('s') || word.EndsWith('x') || word.EndsWith("ch", StringComparison.Ordinal) ? word + "es"
        : word.EndsWith('y') && word.Length > 2 && !"aeiou".Contains(word[^2], StringComparison.Ordinal) ? word[..^1] + "ies"
        : word + "s";

    private static string[]? Replace(string[] words, string[] find, string[] with)
    {
        for (var i = 0; i + find.Length <= words.Length; i++)
        {
            if (words.AsSpan(i, find.Length).SequenceEqual(find))
            {
                return [.. words[..i], .. with, .. words[(i + find.Length)..]];
            }
        }

        return null;
    }

    private static void Add(List<string[]> list, string[] v)
    {
        if (!list.Any(x => x.AsSpan().SequenceEqual(v)))
        {
            list.Add(v);
        }
    }
}
