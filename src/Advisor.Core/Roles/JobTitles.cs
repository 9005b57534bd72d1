namespace Advisor.Core.Roles;

/// <summary>
/// The words English job titles end in ("data <b>analyst</b>", "solutions <b>architect</b>", "<b>nurse</b>"),
/// and the words in front of them that say how senior or how good someone is rather than what they do
/// ("senior", "lead", "aspiring"). General English, not the knowledge's roles: the catalog says which titles
/// the knowledge covers; these lists only let a reader notice that a title was named at all.
/// </summary>
public static class JobTitles
{
    private static readonly HashSet<string> Heads = new(StringComparer.Ordinal)
    {
        "analyst", "scientist", "architect", "engineer", "developer", "designer", "manager", "consultant",
        "researcher", "specialist", "administrator", "technician", "officer", "director", "programmer", "coder",
        "statistician", "mathematician", "economist", "physicist", "chemist", "biologist", "nurse", "doctor",
        "physician", "surgeon", "dentist", "pharmacist", "teacher", "professor", "lecturer", "tutor", "lawyer",
        "attorney", "accountant", "auditor", "recruiter", "marketer", "copywriter", "journalist", "tester",
        "strategist", "evangelist", "founder", "ceo", "cto", "cfo", "coo", "executive", "salesperson",
        "administrator", "librarian", "pilot", "electrician", "plumber", "mechanic", "carpenter", "chef",
        "cook", "cashier", "clerk", "paralegal", "therapist", "psychologist", "psychiatrist", "pharmacologist",
        "veterinarian", "vet", "firefighter", "paramedic", "banker", "trader", "broker", "actuary", "planner",
        "coordinator", "assistant", "secretary", "receptionist", "writer", "illustrator", "animator",
        "photographer", "artist", "musician", "actor", "influencer", "streamer", "youtuber", "sre", "dba",
        "technologist", "practitioner", "modeler", "modeller", "annotator", "labeler", "labeller", "steward",
        "owner", "lead", "master", "ethicist", "hacker", "advocate", "trainer", "rater", "faculty",
    };

    // Words in -ist that do not name a person.
    private static readonly HashSet<string> NotPeople = new(StringComparer.Ordinal)
    {
        "list", "exist", "assist", "consist", "resist", "insist", "persist", "twist", "wrist", "mist", "fist", "gist", "whist", "checklist", "playlist", "shortlist", "wishlist", "blacklist", "whitelist", "waitlist", "amidst", "generalist", "specialist", "minimalist", "realist", "idealist", "optimist", "pessimist", "perfectionist",
    };

    // Plural and other forms people type for a head word.
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["salespeople"] = "salesperson",
        ["ceos"] = "ceo",
        ["ctos"] = "cto",
        ["sres"] = "sre",
        ["dbas"] = "dba",
        ["vets"] = "vet",
    };

    // Heads that are also everyday words: they name a job only after a word that says which job
    // ("product owner", "tech lead"), never alone ("the owner of", "lead a team").
    private static readonly HashSet<string> OnlyWithModifier = new(StringComparer.Ordinal) { "owner", "lead", "master", "assistant", "cook", "vet", "pilot", "writer", "artist", "planner", "steward", "coordinator" };

    private static readonly HashSet<string> NotDomain = new(StringComparer.Ordinal)
    {
        "senior", "sr", "junior", "jr", "lead", "principal", "staff", "chief", "head", "entry", "level", "mid",
        "experienced", "good", "great", "successful", "typical", "aspiring", "future", "new", "young", "old",
        "best", "top", "average", "real", "professional", "full", "time", "part", "remote", "freelance",
        "contract", "self", "taught", "certified", "qualified", "skilled", "talented", "famous", "other",
        "fellow", "actual", "expert", "beginner", "hobbyist", "solo", "independent", "corporate", "first",
        "second", "next", "former", "ex", "current", "wannabe", "aspirant", "trainee", "intern", "graduate",
        "grad", "student", "apprentice", "associate", "assistant", "deputy", "acting", "interim", "global",
        "regional", "local", "remote", "hybrid", "onsite", "tenured", "famous", "successful", "bad", "decent",
        "normal", "regular", "ordinary", "average", "human", "female", "male", "woman", "man", "women", "men",
        "many", "most", "some", "few", "all", "any", "every", "each", "more", "less", "such", "same", "different",
        "10x", "rockstar", "ninja", "guru", "i", "im", "am", "was", "is", "are", "be", "a", "an", "the", "as",
        "whatever", "whichever", "those", "these", "this", "that", "their", "our", "your", "his", "her",
    };

    /// <summary>The singular head word when <paramref name="word"/> is a job-title head ("analysts" → "analyst"), else null.</summary>
    public static string? Head(string word)
    {
        if (word.Length < 2)
        {
            return null;
        }

        if (Heads.Contains(word))
        {
            return word;
        }

        // "-ist" names a person who does something: "ethicist", "specialist", "linguist".
        var singular = word.EndsWith("ists", StringComparison.Ordinal) ? word[..^1] : word;
        if (singular.Length >= 7 && singular.EndsWith("ist", StringComparison.Ordinal) && !NotPeople.Contains(singular))
        {
            return singular;
        }

        if (Irregular.TryGetValue(word, out var irregular))
        {
            return irregular;
        }

        var single = word.EndsWith('s') ? word[..^1] : word;

        // "-ician" names a person who practises something: "bioinformatician", "clinician", "dietician".
        if (single.Length >= 8 && single.EndsWith("ician", StringComparison.Ordinal))
        {
            return single;
        }

        // A compound of a head: "biostatistician", "neuroscientist", "geophysicists".
        if (single.Length >= 9 && Heads.FirstOrDefault(h => h.Length >= 6 && single.Length - h.Length >= 3 && single.EndsWith(h, StringComparison.Ordinal)) is { } compound)
        {
            return compound;
        }

        if (word.Length > 3 && word[^1] == 's' && Heads.Contains(word[..^1]))
        {
            return word[..^1];
        }

        return word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal) && Heads.Contains(word[..^2]) ? word[..^2] : null;
    }

    /// <summary>Every head word, singular and plural.</summary>
    // Employers whose names people use as their one-word names and that an article may mention as a product ("Google
    // Cloud"): "is google hiring" asks about one company's hiring whatever the knowledge says about its products.
    private static readonly HashSet<string> WellKnownEmployers = new(StringComparer.Ordinal)
    {
        "google", "alphabet", "deepmind", "microsoft", "amazon", "aws", "meta", "facebook", "apple", "netflix", "nvidia", "openai",
        "anthropic", "ibm", "oracle", "intel", "tesla", "uber", "airbnb", "spotify", "salesforce", "adobe", "samsung", "tiktok",
        "bytedance", "baidu", "alibaba", "tencent", "huggingface", "mistral", "cohere", "databricks", "palantir", "accenture",
        "deloitte", "mckinsey", "jpmorgan", "goldman", "linkedin", "twitter", "x", "stripe", "shopify",
    };

    /// <summary>True for the one-word name of a well-known employer ("google", "openai").</summary>
    public static bool IsWellKnownEmployer(string word) => WellKnownEmployers.Contains(word);

    public static IEnumerable<string> Vocabulary() => Heads.Concat(Heads.Select(h => h + "s")).Concat(Irregular.Keys).Concat(NotDomain);

    /// <summary>True when the head names a job only with a word in front of it ("product owner", not "owner").</summary>
    public static bool NeedsModifier(string head) => OnlyWithModifier.Contains(head);

    /// <summary>True for a word in front of a title that says how senior or good someone is, not which job it is.</summary>
    public static bool IsNonDomainModifier(string word) => NotDomain.Contains(word) || word.All(char.IsDigit);
}
