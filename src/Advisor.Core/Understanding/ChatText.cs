using System.Text.RegularExpressions;
using System.Text;
using Advisor.Core.Knowledge;

namespace Advisor.Core.Understanding;

/// <summary>
/// Reads a chat message the way a person does: invisible characters and emoji ignored, contractions typed without
/// apostrophes ("whats", "dont", "im") and chat shorthand ("u", "thx", "pls", "yrs") read as the words they stand
/// for, and the words that carry no request ("ok so", "lol", "asking for a friend", "in 2026") set aside.
/// </summary>
public static partial class ChatText
{
    // "research-y", "engineer-ish": the suffix hedges the word; alone, "y" would read as "why".
    [System.Text.RegularExpressions.GeneratedRegex(@"(\p{L})-(?:y|ish)\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SuffixY();

    // Shorthand and apostrophe-less contractions → the words they stand for.
    private static readonly Dictionary<string, string[]> Expansions = new(StringComparer.Ordinal)
    {
        ["whats"] = ["what", "is"], ["wat"] = ["what"], ["wtf"] = ["what"], ["wth"] = ["what"], ["elses"] = ["else"], ["wut"] = ["what"], ["whut"] = ["what"], ["wats"] = ["what", "is"], ["thats"] = ["that", "is"], ["hows"] = ["how", "is"], ["whos"] = ["who", "is"],
        ["wheres"] = ["where", "is"], ["whens"] = ["when", "is"], ["whys"] = ["why", "is"], ["heres"] = ["here", "is"],
        ["theres"] = ["there", "is"], ["dont"] = ["do", "not"], ["doesnt"] = ["does", "not"], ["didnt"] = ["did", "not"],
        ["isnt"] = ["is", "not"], ["arent"] = ["are", "not"], ["wasnt"] = ["was", "not"], ["werent"] = ["were", "not"],
        ["cant"] = ["can", "not"], ["cannot"] = ["can", "not"], ["wont"] = ["will", "not"], ["shouldnt"] = ["should", "not"],
        ["wouldnt"] = ["would", "not"], ["couldnt"] = ["could", "not"], ["havent"] = ["have", "not"], ["hasnt"] = ["has", "not"],
        ["im"] = ["i", "am"], ["ive"] = ["i", "have"], ["youre"] = ["you", "are"], ["theyre"] = ["they", "are"],
        ["weve"] = ["we", "have"], ["theyve"] = ["they", "have"], ["youve"] = ["you", "have"], ["lets"] = ["let", "us"],
        ["wanna"] = ["want", "to"], ["gonna"] = ["going", "to"], ["gotta"] = ["have", "to"], ["hafta"] = ["have", "to"],
        ["kinda"] = ["kind", "of"], ["sorta"] = ["sort", "of"], ["dunno"] = ["do", "not", "know"], ["lemme"] = ["let", "me"],
        ["gimme"] = ["give", "me"], ["u"] = ["you"], ["ya"] = ["you"], ["ur"] = ["your"], ["r"] = ["are"], ["y"] = ["why"],
        ["pls"] = ["please"], ["plz"] = ["please"], ["plss"] = ["please"], ["thx"] = ["thanks"], ["thnx"] = ["thanks"],
        ["thanx"] = ["thanks"], ["tks"] = ["thanks"], ["ty"] = ["thanks"], ["tysm"] = ["thanks"], ["abt"] = ["about"],
        ["bc"] = ["because"], ["cuz"] = ["because"], ["coz"] = ["because"], ["cos"] = ["because"], ["ppl"] = ["people"],
        ["diff"] = ["difference"], ["yrs"] = ["years"], ["yr"] = ["year"], ["exp"] = ["experience"],
        ["edu"] = ["education"], ["quals"] = ["qualifications"], ["certs"] = ["certifications"], ["cert"] = ["certification"],
        ["reqs"] = ["requirements"], ["req"] = ["requirement"], ["eng"] = ["engineer"], ["engs"] = ["engineers"],
        ["mgr"] = ["manager"], ["dev"] = ["developer"], ["devs"] = ["developers"], ["v"] = ["vs"], ["versus"] = ["vs"],
        ["w"] = ["with"], ["wo"] = ["without"], ["tho"] = ["though"], ["thru"] = ["through"], ["rly"] = ["really"],
        ["alot"] = ["a", "lot"], ["smth"] = ["something"], ["sth"] = ["something"], ["ok"] = ["okay"], ["k"] = ["okay"],
        ["kk"] = ["okay"], ["okk"] = ["okay"], ["pov"] = ["view"], ["info"] = ["information"],
        ["docs"] = ["documentation"], ["compsci"] = ["computer", "science"], ["mgmt"] = ["management"], ["doc"] = ["documentation"], ["devrel"] = ["developer", "advocate"],
        ["ill"] = ["i", "will"], ["engg"] = ["engineering"], ["engr"] = ["engineer"], ["engrs"] = ["engineers"], ["till"] = ["until"], ["til"] = ["until"], ["untill"] = ["until"], ["untl"] = ["until"], ["heyy"] = ["hey"], ["hii"] = ["hi"], ["soo"] = ["so"], ["noo"] = ["no"], ["yess"] = ["yes"], ["thankss"] = ["thanks"],
        ["thxx"] = ["thanks"], ["byee"] = ["bye"], ["lool"] = ["lol"], ["okayy"] = ["okay"], ["pleasee"] = ["please"], ["org"] = ["organization"], ["orgs"] = ["organizations"], ["govt"] = ["government"], ["gov"] = ["government"], ["defn"] = ["definition"], ["defns"] = ["definitions"],
        // Leftovers of a contraction split at its apostrophe ("don't" → "don" "t").
        ["don"] = ["do"], ["doesn"] = ["does"], ["didn"] = ["did"], ["isn"] = ["is"], ["aren"] = ["are"], ["wasn"] = ["was"],
        ["shouldn"] = ["should"], ["wouldn"] = ["would"], ["couldn"] = ["could"], ["haven"] = ["have"], ["hasn"] = ["has"],
        ["t"] = [], ["re"] = [], ["ve"] = [], ["ll"] = [], ["m"] = [], ["d"] = [],
        // Phone and texting shorthand ("n for ai eng?", "wht do they do", "dis job").
        ["n"] = ["and"], ["nd"] = ["and"], ["bout"] = ["about"], ["b4"] = ["before"], ["cud"] = ["could"], ["shud"] = ["should"],
        ["shld"] = ["should"], ["wud"] = ["would"], ["becuz"] = ["because"], ["bcuz"] = ["because"], ["bcz"] = ["because"],
        ["bcs"] = ["because"], ["wht"] = ["what"], ["jus"] = ["just"], ["yu"] = ["you"], ["tht"] = ["that"],
        ["dat"] = ["that"], ["dis"] = ["this"], ["dem"] = ["them"], ["da"] = ["the"], ["wid"] = ["with"], ["frm"] = ["from"],
        ["gud"] = ["good"], ["wen"] = ["when"], ["wer"] = ["where"], ["wrk"] = ["work"], ["lyk"] = ["like"], ["luv"] = ["love"],
        ["ofc"] = ["of", "course"], ["cn"] = ["can"],
    };

    // Emoji that stand for a word in chat ("and the 💰?" asks about pay, "👋" greets); every other emoji is dropped.
    private static readonly Dictionary<int, string> EmojiWords = new()
    {
        [0x1F4B0] = "money", [0x1F4B5] = "money", [0x1F4B8] = "money", [0x1F911] = "money", [0x1F4B2] = "money", [0x1F4B6] = "money", [0x1F4B7] = "money",
        [0x1F393] = "degree", [0x1F4C8] = "growth", [0x1F6E0] = "tools", [0x1F9F0] = "tools", [0x1F44B] = "hi", [0x1F64F] = "thanks",
    };

    // Words that carry no request in a chat message.
    private static readonly HashSet<string> FillerWords = new(StringComparer.Ordinal)
    {
        "lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "heh", "xd", "tbh", "imo", "imho", "idk", "btw", "fyi",
        "ngl", "fr", "rn", "iirc", "afaik", "tldr", "okay", "so", "um", "umm", "uh", "uhh", "hmm", "hmmm", "er", "erm",
        "anyway", "anyways", "guys", "folks", "yall", "everyone", "everybody", "anyone", "anybody", "somebody", "bro",
        "dude", "mate", "fam", "pal", "please", "thanks", "thank", "cheers", "hey", "hi", "hello", "hiya", "sup", "yo",
        "wondering", "curious", "question", "questions", "q", "qs", "quick", "random", "dumb", "stupid", "silly", "honest",
        "honestly", "literally", "seriously", "basically", "actually", "really", "pretty", "very", "super", "totally",
        "kind", "sort", "just", "like", "well", "oh", "ah", "wow", "omg", "pls", "plz", "ty", "thx", "appreciated",
        "appreciate", "advance", "help", "helpful", "asking", "ask", "friend", "friends", "buddy", "cousin", "nowadays",
        "today", "these", "days", "currently", "now", "still", "yet", "ever", "even", "lot", "lots", "bit", "little",
        "alright", "right", "yeah", "yea", "yep", "yup", "nope", "nah", "sure", "cool", "nice", "great", "awesome",
        "perfect", "thanksss", "ok", "k", "wonder", "thinking", "think", "guess", "maybe", "perhaps", "probably",
        "something", "someone", "stuff", "things", "thing", "etc", "generally", "exactly", "overall", "also", "too",
        "again", "said", "say", "saying", "tell", "explain", "know", "wanted", "want", "need", "needs", "needed", "heard",
        "hear", "supposed", "supposedly", "apparently", "true", "told", "rumor", "rumour", "line", "lines", "sentence",
        "sentences", "brief", "briefly", "short", "shortly", "simple", "simply", "words", "paragraph", "bullet", "bullets",
        "hate", "love", "enjoy", "adore", "whole", "kindly", "sir", "sirs", "madam", "maam", "mam", "dear", "respected", "bhai", "sis",
        // Words that only say how much ("a total beginner", "completely lost").
        "total", "complete", "completely", "absolute", "absolutely", "utter", "utterly", "entire", "entirely",
    };

    /// <summary>
    /// Removes what a reader never sees (zero-width and formatting characters, variation selectors, soft hyphens) and
    /// straightens typographic apostrophes, so "archi\u200Btect" reads "architect".
    /// </summary>
    public static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == System.Globalization.UnicodeCategory.Format || rune.Value is 0x00AD or (>= 0xFE00 and <= 0xFE0F))
            {
                continue; // zero-width space/joiners, BOM, soft hyphen, variation selectors
            }

            if (rune.Value is '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4')
            {
                sb.Append('\'');
                continue;
            }

            sb.Append(rune.ToString());
        }

        return sb.ToString();
    }

    /// <summary>The words of a message, lower case, with contractions and shorthand expanded (emoji and punctuation dropped).</summary>
    public static List<string> Words(string text) => Read(text).Words;

    /// <summary>
    /// The words of a message (as <see cref="Words"/>) and the positions where a new clause starts: after ". , ; : ! ?",
    /// brackets or a dash between words. A job title or a self-description never runs across one.
    /// </summary>
    public static (List<string> Words, HashSet<int> ClauseStarts) Read(string text)
    {
        var result = new List<string>();
        var starts = new HashSet<int>();
        foreach (var clause in Clauses(SuffixY().Replace(SpellOutEmoji(Clean(text)), "$1")))
        {
            starts.Add(result.Count);
            string? before = null;
            foreach (var typedWord in TextTools.Words(clause))
            {
                var (word, previous) = (Unstretched(typedWord), before);
                before = word;
                if (word == "l" && previous == "m")
                {
                    result.Add("ml"); // "m l research engineer", spelt out by a voice keyboard (a lone "m" is otherwise the end of "I'm")
                }
                else if (word is "pm" or "pms" && !(result.Count > 0 && IsNumber(result[^1])))
                {
                    // "an AI PM" is a product manager; "5 pm" is a time.
                    result.AddRange(word == "pm" ? ["product", "manager"] : ["product", "managers"]);
                }
                else if (word is "sci" or "science" && result.Count > 0 && result[^1] == "comp")
                {
                    result[^1] = "computer"; // "comp sci" is computer science, not compensation
                    result.Add("science");
                }
                else if (Expansions.TryGetValue(word, out var expanded))
                {
                    result.AddRange(expanded);
                }
                else
                {
                    result.Add(word);
                }
            }
        }

        // "pays off" is about being worth it, not about pay; "stack up against" compares (a stack is a set of tools).
        for (var i = 0; i + 1 < result.Count; i++)
        {
            if (result[i] is "stack" or "stacks" && (result[i + 1] == "up" || (i + 2 < result.Count && result[i + 1] is "it" or "them" or "this" or "that" && result[i + 2] == "up")))
            {
                result[i] = "compared";
                result[result[i + 1] == "up" ? i + 1 : i + 2] = "to";
            }

            if (result[i] == "vs" && result[i + 1] == "code")
            {
                result[i] = "vscode"; // the editor, not a comparison (the word count stays: clause starts point into it)
                result[i + 1] = "editor";
                continue;
            }

            if (result[i] is "pay" or "pays" or "paid" && result[i + 1] == "off")
            {
                result[i] = "worth";
                result[i + 1] = "it";
            }
        }

        return (result, starts);
    }

    /// <summary>A word stretched for emphasis with its letters back to at most two in a row ("heyyy" → "heyy", "coool" → "cool").</summary>
    private static string Unstretched(string word)
    {
        var run = 1;
        for (var i = 1; i < word.Length; i++)
        {
            run = word[i] == word[i - 1] ? run + 1 : 1;
            if (run == 3 && char.IsLetter(word[i]))
            {
                var sb = new StringBuilder(word.Length);
                foreach (var c in word)
                {
                    if (!(sb.Length >= 2 && char.IsLetter(c) && sb[^1] == c && sb[^2] == c))
                    {
                        sb.Append(c);
                    }
                }

                return sb.ToString();
            }
        }

        return word;
    }

    // Currency signs on their own, not in front of an amount ("and the $$$?", "is there € in it"): money.
    private static readonly Regex BareCurrency = new(@"(?<![\w$€£])[$€£]+(?![\d$€£])", RegexOptions.CultureInvariant);

    /// <summary>Replaces the emoji that stand for a word with that word (<see cref="EmojiWords"/>), and bare currency signs with "money".</summary>
    private static string SpellOutEmoji(string text)
    {
        if (text.Contains('$') || text.Contains('€') || text.Contains('£'))
        {
            text = BareCurrency.Replace(text, " money ");
        }

        if (text.All(char.IsAscii))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            if (EmojiWords.TryGetValue(rune.Value, out var word))
            {
                sb.Append(' ').Append(word).Append(' ');
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Clauses(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var boundary = c is '.' or ',' or ';' or ':' or '!' or '?' or '(' or ')' or '[' or ']' or '—' or '–' or '…' or '=' or '\n'
                || (c == '-' && i > 0 && i + 1 < text.Length && text[i - 1] == ' ' && text[i + 1] == ' ');

            // A dot inside a word ("ph.d", "e.g", "node.js") does not end a clause.
            if (c == '.' && i > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1]))
            {
                boundary = false;
            }

            if (boundary)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    /// <summary>The words this reader knows: shorthand, what it stands for, and filler.</summary>
    public static IEnumerable<string> Vocabulary() => Expansions.Keys.Concat(Expansions.Values.SelectMany(v => v)).Concat(FillerWords).Concat(EmojiWords.Values);

    /// <summary>True for a word that carries no request ("lol", "thx", "asking", a year, a bare number).</summary>
    public static bool IsFiller(string word) => FillerWords.Contains(word) || IsNumber(word);

    /// <summary>True for a number ("2026", "45", "10x" is not).</summary>
    public static bool IsNumber(string word) => word.Length > 0 && word.All(char.IsDigit);
}
