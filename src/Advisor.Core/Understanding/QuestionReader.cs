using System.Text.RegularExpressions;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Understanding;

/// <summary>A job title a question names that the knowledge does not cover ("data analyst"), with where it stands.</summary>
/// <param name="Text">The title as the words of the question spell it.</param>
/// <param name="Head">Its head word, singular ("analyst").</param>
/// <param name="IsContext">True when the asker describes themselves with it ("I'm a data analyst…"): context, not the subject.</param>
public sealed record UncoveredTitle(string Text, int Start, int Length, string Head, bool IsContext)
{
    /// <summary>For context: where the asker's description of themselves starts ("am" in "I am a nurse").</summary>
    public int ContextStart { get; init; }

    /// <summary>For context: where it ends (exclusive), or -1 for the end of its clause ("data analyst here" ends after "here").</summary>
    public int ContextEnd { get; init; } = -1;
}

/// <summary>What a chat message says, before any section is ranked.</summary>
/// <param name="Words">The message's words: shorthand expanded, typos corrected.</param>
/// <param name="Typed">The same words before spelling correction (for echoing a topic back).</param>
/// <param name="Mentions">Covered roles named, with their word positions.</param>
/// <param name="Uncovered">Job titles named that the knowledge does not cover.</param>
/// <param name="Consumed">Positions of words that named a role, a title, the aspect or a cue: not content.</param>
/// <param name="SmallTalk">"greeting", "thanks", "help", "bye", "sorry" or "ack" when the message is only that, else null.</param>
internal sealed record QuestionReading(
    IReadOnlyList<string> Words,
    IReadOnlyList<string> Typed,
    IReadOnlyList<(RoleInfo Role, int Start, int Length)> Mentions,
    IReadOnlyList<UncoveredTitle> Uncovered,
    string? Aspect,
    HashSet<int> Consumed,
    ProfileCue Profile,
    bool CompareCue,
    string? SmallTalk)
{
    /// <summary>The aspect's trigger weight: 1 or more when asked outright, ½ when only hinted ("what is…", "how much…").</summary>
    public double AspectWeight { get; init; }

    /// <summary>How many specific aspects the question names outright.</summary>
    public int StrongAspects { get; init; }

    /// <summary>Positions of words that asked about other aspects than the one chosen.</summary>
    public HashSet<int> SecondaryAspectWords { get; init; } = [];

    /// <summary>True when the question is about an article itself ("the article", "the write-up").</summary>
    public bool AboutArticle { get; init; }

    /// <summary>
    /// The article the question names by its roles ("in the architect vs MLRE write-up", "the AI scientist comparison"),
    /// or null. Its roles are not what is asked when the question names another role too.
    /// </summary>
    public Article? NamedArticle { get; init; }

    /// <summary>True when a job title the knowledge lacks is set next to a covered role ("data scientist or AI scientist").</summary>
    public bool TitleJoined { get; init; }

    /// <summary>True when the question points back at the article the conversation was in ("in that same article").</summary>
    public bool SameArticle { get; init; }

    /// <summary>Positions of the words that name <see cref="NamedArticle"/> (its roles), when they are not what is asked.</summary>
    public HashSet<int> ArticleName { get; init; } = [];

    /// <summary>True when the only roles named are the <see cref="NamedArticle"/>'s name.</summary>
    public bool OnlyTheArticlesRoles { get; init; }

    /// <summary>Where the message's clauses start (after the first).</summary>
    public HashSet<int> ClauseStarts { get; init; } = [];

    /// <summary>Positions of words that describe the asker (context), not what is asked.</summary>
    public HashSet<int> Context { get; init; } = [];

    /// <summary>Positions of the words that asked about the chosen aspect.</summary>
    public HashSet<int> AspectWords { get; init; } = [];

    /// <summary>True when the message asks for a calculation ("what's 17 times 23") and names no role or job title.</summary>
    public bool AsksForSum { get; init; }

    /// <summary>True when the message asks for work done (code, a fix, a derivation, trivia) and names no role or job title.</summary>
    public bool AsksForTask { get; init; }
}

/// <summary>How plainly a question asks for a role as a whole.</summary>
internal enum ProfileCue
{
    None,

    /// <summary>"tell me about X": a profile unless an aspect is named.</summary>
    Weak,

    /// <summary>"the big picture", "an overview", "everything": a profile even when aspects are named on the way.</summary>
    Strong,
}

/// <summary>
/// Reads a chat message for what it asks: the roles it names (and the job titles the knowledge lacks), the aspect or
/// topic, whether it asks for a profile or a comparison, or whether it is small talk. Everything here comes from the
/// knowledge's own catalog and from general English (<see cref="ChatText"/>, <see cref="JobTitles"/>,
/// <see cref="AspectLexicon"/>), never from a list of the shipped articles' roles.
/// </summary>
internal static class QuestionReader
{
    // Asking for the whole role: these win over an aspect named on the way ("the big picture of what the job involves").
    private static readonly PhraseSet StrongProfileCues = new(
    [
        "overview", "nutshell", "rundown", "run down", "profile", "breakdown", "break down", "basics", "101", "eli5",
        "like i am 5", "like i am five", "big picture", "full picture", "whole picture", "everything", "all of it",
        "crash course", "primer", "high level", "as a career", "lay of the land", "whole thing", "start to finish", "walk me through",
        "walk me thru", "career like", "like overall", "what is being", "what is it like being", "what it takes",
        "start to end", "start to finish", "beginning to end", "a to z", "complete picture", "entire picture", "full rundown",
        "complete rundown", "full breakdown", "everything about", "paint me a picture", "paint a picture", "picture of what",
        "whole deal", "all there is", "deep dive", "deepdive", "in depth", "in-depth", "everything i need to know", "general intro", "general introduction", "general overview", "snapshot", "to me like", "like i am a", "like i am an", "like i am new", "to a non technical", "non technical person", "for dummies", "general idea of the role", "general idea of the job", "brain dump", "braindump", "lowdown", "low down", "the scoop", "cheat sheet", "summary of the role", "summary of the job",
        "top to bottom", "soup to nuts", "brief me", "quick brief", "a brief on", "summari*", "sum up", "broadly", "the lot",
        "should i know about",
    ]);

    // Asking for work done, not career advice: code, a fix, a derivation, a calculation, trivia. Off-topic when no role is named.
    private static readonly PhraseSet TaskCues = new(
    [
        "write me", "write a", "code for", "script", "function", "fix my", "fix this", "fix it", "debug*", "error*", "crash*",
        "bug", "bugs", "stack trace", "exception", "compil*", "time complexity", "big o", "algorithm for", "explain how", "step by step",
        "the math", "formula*", "equation*", "deriv*", "proof", "prove", "solve", "calculat*", "recipe*", "weather", "capital of",
        "translate", "homework", "implement*", "how does attention", "positional encoding", "backprop*", "gradient descent",
        "keeps crashing", "keeps exiting", "keeps failing", "exit code", "exiting", "not working", "does not work", "out of memory", "oom",
        "which trains", "train faster", "trains faster", "gpu*", "vram", "rtx", "run locally", "running locally", "local llm*", "fine tune",
        "finetune", "fine tuning", "loss is", "nan", "install*", "pip", "npm", "docker", "kubernetes", "prompt for",
    ]);

    // Words that open a statement about the asker ("i love math", "im a chem grad"): context, not what is asked.
    private static readonly HashSet<string> SelfOpeners = new(StringComparer.Ordinal) { "i", "my", "we", "our" };

    // Words that make a clause a question or a request even when it starts with "i" ("i want to know which…").
    private static readonly HashSet<string> AskingWords = new(StringComparer.Ordinal)
    {
        "what", "which", "how", "why", "when", "where", "who", "whom", "whose", "should", "could", "would", "can", "do", "does",
        "is", "are", "will", "wonder", "wondering", "know", "tell", "explain", "need", "want", "compare", "difference", "vs",
    };

    // Asking for an answer put shortly ("in one sentence", "plain english pls").
    private static readonly PhraseSet BrieflyCues = new(
    [
        "one sentence", "a sentence", "1 sentence", "one line", "a line", "1 line", "one liner", "a one liner", "two lines", "2 lines",
        "short version", "plain english", "simple terms", "simple words", "few words", "layman*", "laymans terms", "short answer",
    ]);

    // The question is about an article itself ("what does the article conclude"), not about a role.
    private static readonly PhraseSet ArticleCues = new(["article", "articles", "writeup", "write up", "blog", "blog post", "this post", "piece", "comparison piece"]);

    // Asking about the role in general: a profile unless a specific aspect is named ("tell me about X skills").
    private static readonly PhraseSet ProfileCues = new(
    [
        "tell me about", "tell me more", "all about", "intro", "introduce", "introduction to", "what is it like",
        "what is the job like", "what is the role like", "describe the role", "describe the job", "explain the role",
        "explain the job", "info on", "information on", "information about", "details on", "more about", "learn about",
        "know about", "about the role", "about the job", "what is the deal", "job like", "role like", "life like",
        "what is that like", "career in", "describe the", "describe what", "describe a", "describe an", "describe role", "describe job",
        "describe career", "describe their job", "describe their role", "explain role", "explain job", "role about", "job about",
        "about overall", "overall", "gist", "explain the career", "explain career", "describe the career", "world like", "path like", "field like", "work like", "track like", "side like", "in general", "the vibe", "the vibes", "whole vibe", "vibe of", "vibes of", "vibe check", "vibe like", "vibes like", "like as a job", "like as a career", "thoughts",
    ]);

    // The asker leaves the conversation's subject ("unrelated but…"): the earlier turns do not supply a role or aspect.
    private static readonly PhraseSet NewTopicCues = new(
    [
        "unrelated", "off topic", "different topic", "new topic", "other topic", "change of topic", "changing topic*",
        "switching topic*", "change the subject", "changing the subject", "different question", "separate question",
    ]);

    // The asker's own job, described before ("im a cloud architect … whats the outlook for my job").
    private static readonly PhraseSet OwnJobCues = new(
    [
        "my job", "my role", "my field", "my career", "my title", "my position", "my line of work", "my kind of job", "people like me",
        "someone like me", "my profession", "my work",
    ]);

    /// <summary>True when the question asks about the asker's own job ("the outlook for my job").</summary>
    public static bool AsksAboutOwnJob(IReadOnlyList<string> words) => OwnJobCues.Any(words);

    /// <summary>True when the question says it leaves the conversation's subject ("unrelated but…", "off topic:").</summary>
    public static bool StartsNewTopic(IReadOnlyList<string> words) => NewTopicCues.Any(words);

    // Words in front of a title that are doing, not naming a job ("hire ML engineers", "wait AI engineers…").
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal)
    {
        "hire", "hires", "hiring", "employ", "employs", "wait", "become", "becoming", "need", "needs", "want", "wants", "ask",
        "make", "makes", "get", "gets", "love", "like", "hate", "call", "see", "meet", "work", "works", "find", "help", "pick",
        "choose", "prefer", "talk", "pay", "pays", "trust", "recommend", "replace", "fire", "train", "mentor", "join", "beat",
        "compare", "comparing", "versus", "vs", "between", "do", "does", "did", "say", "says", "think", "know", "knows",
        "become", "be", "being", "go", "going", "both", "either", "neither", "other", "another", "which", "what", "whats",
        "than", "then", "also", "too", "only", "just", "even", "most", "more", "less",
        "toward", "towards", "onto", "via", "within", "without", "unlike", "per", "around", "across", "through", "over", "under",
        "near", "beside", "besides", "among", "becoming", "into",
    };

    private static readonly PhraseSet CompareCues = new(
    [
        "vs", "difference*", "different", "differ*", "compar*", "better", "than", "same as", "similar*",
        "which one", "instead of", "rather than", "versus", "between", "basically", "same", "equivalent*", "interchangeab*",
        "stack up", "stack it up", "stacks up", "against", "compared",
    ]);

    // The article the conversation was already in.
    private static readonly PhraseSet SameArticleCues = new(
    [
        "same article", "that article", "this article", "same piece", "that piece", "same write up", "same writeup", "that writeup", "same guide",
        "that guide", "same post", "that post",
    ]);

    // Asking the earlier question again about another role.
    private static readonly PhraseSet RepeatCues = new(
    [
        "same q", "same qs", "same question", "same questions", "same for", "same thing for", "same but for", "same again", "same deal for",
        "same goes for", "the same about", "same about", "same article", "same piece", "same write up", "same writeup", "same guide", "same post",
    ]);

    // Joining words that make two titles next to each other a choice between them ("data scientist or AI scientist").
    private static readonly HashSet<string> Joiners = new(StringComparer.Ordinal) { "or", "and", "vs", "versus", "to", "nor" };

    // Thanks said outright, in any of the languages the small talk knows (not "helpful", "useful": words a question uses too).
    private static readonly string[] OutrightThanksPhrases =
    [
        "thanks", "thank you", "thank", "cheers", "appreciate*", "grateful", "gracias", "merci", "danke", "grazie", "obrigado", "obrigada", "asante",
        "terima kasih", "salamat", "arigato", "arigatou", "shukran", "shukriya", "dhanyavaad", "dhanyavad", "dhanyawad", "xie xie", "cam on", "spasibo",
        "dank je", "kamsahamnida",
    ];

    private static readonly PhraseSet OutrightThanks = new(OutrightThanksPhrases);

    // Praise for the answers ("super helpful", "better than my advisor"): thanks in other words.
    private static readonly PhraseSet PraiseCues = new(
    [
        "helpful", "helped", "useful", "that helps", "this helps", "it helps", "better than", "lifesaver", "life saver", "god bless",
        "saving this", "save this", "bookmark*", "screenshot*", "you rock", "goat", "clutch",
    ]);

    private static readonly (string Kind, PhraseSet Set)[] SmallTalkSets =
    [
        ("help", new(["help", "what can you do", "what do you do", "who are you", "what are you", "how do you work", "how does this work",
            "how do i use", "use this bot", "use this thing", "use you", "how does this bot work",
            "what can i ask", "what should i ask", "can i ask", "kinds of questions", "what to ask", "command*", "menu", "usage",
            "how to use", "what do you know", "bot", "robot", "real person", "human", "are you real", "capabilit*", "what is this", "are you an ai", "are you ai", "are you a bot", "are you chatgpt", "are you like", "are you an llm", "are you gpt", "who built you", "who made this", "built you", "what topics", "topics do you", "which topics", "speak english", "english only", "only english", "other languages", "another language", "speak spanish", "speak french", "speak german", "what languages do you", "which languages do you", "languages do you speak", "languages can you", "can you answer", "can u answer", "kind of stuff", "kinds of stuff", "what stuff", "what kind of questions", "how does this thing work", "who am i talking to", "talking to",
            "how does it work", "instructions", "options", "who made you", "what do you cover", "you cover", "you know about",
            "which careers", "what careers", "which roles", "what roles", "which jobs", "what jobs", "can you tell me about", "can you tell me",
            "using this", "using you", "using the bot", "first time using", "your sources", "what sources", "which sources", "sources do you"])),
        ("thanks", new([.. OutrightThanksPhrases, "king", "queen", "a ton", "so much", "tons", "a lot", "the best", "goat", "lifesaver", "life saver", "saved me", "you saved", "saves me", "big help", "huge help", "amazing", "mvp", "much obliged", "you rock", "legend", "helpful", "helped", "that helps", "useful",
            "god bless", "bless you", "asante sana", "terima kasih banyak", "maraming salamat", "muchas gracias", "merci beaucoup", "danke schon", "danke schoen", "grazie mille"])),
        ("greeting", new(["hi", "hello", "hey", "heya", "hiya", "yo", "sup", "howdy", "good morning", "good afternoon", "good evening",
            "morning", "gm", "greetings", "what is up", "how are you", "how is it going", "you there", "are you there", "anyone there",
            "anybody there", "still there", "anyone home", "you around", "are you up", "ping", "new here", "just joined", "first time here",
            "newbie here", "hi there", "hello there", "hey there", "whats good", "what is good", "wsg", "wsp", "wassup", "wazzup", "anyone here", "anybody here", "is anyone here", "test", "testing", "just testing", "test test", "is this thing on", "is this on", "this thing on", "hola", "bonjour", "hallo", "ciao", "namaste", "salut", "ola", "jambo", "habari", "salam", "salaam", "assalamualaikum",
            "kumusta", "apa kabar", "selamat pagi", "xin chao", "ni hao", "konnichiwa", "merhaba", "shalom", "namaskar", "vanakkam", "sawubona", "long time no see", "long time", "a parent", "parent here", "new to discord", "new to slack", "new to this", "morning from", "hello from", "hi from", "hey from", "greetings from", "evening from", "afternoon from", "hope you are well", "hope your well", "hope all is well", "hope you are doing well", "hope you are good",
            "happy friday", "happy monday", "happy weekend", "happy holidays", "happy new year", "tgif"])),
        ("bye", new(["bye", "goodbye", "good night", "see you", "see ya", "cya", "later", "ttyl", "have to go", "brb", "afk", "be right back",
            "back in a bit", "back soon", "gotta go", "got to go", "gtg", "g2g", "coffee break", "lunch break", "gn", "nite", "night", "good weekend", "nice weekend", "enjoy your weekend", "good week", "talk later", "talk soon", "come back later", "come back", "for now", "wish me luck", "good luck", "luck", "have a good one", "have a good day", "take care", "peace", "peace out", "jump on a call", "hop on a call", "on a call", "a meeting", "into a meeting", "to a meeting",
            "signing off", "sign off", "logging off", "log off", "heading out", "clocking out", "for the weekend", "for the day", "for today"])),
        ("sorry", new(["sorry", "my bad", "typo", "typos", "typed that wrong", "typed it wrong", "ignore", "disregard", "did not mean to", "the thread", "this thread", "the channel", "apolog*", "so many questions", "too many questions", "all the questions", "all these questions", "spamming", "spam",
            "bothering", "bugging", "pestering", "for asking"])),
        ("ack", new(["okay", "cool", "nice", "great", "awesome", "got it", "makes sense", "perfect", "sounds good", "neat", "lol", "haha",
            "wow", "interesting", "fair", "true", "yes", "no", "yep", "nope", "sure", "alright", "understood", "good", "noted", "nvm", "never mind", "nevermind", "figured it out", "think about it", "think it over", "check that out", "check it out", "look into it", "look into that", "a bunch", "answered my question", "that answers it", "that answers my question", "that is all", "all i needed", "all i need", "all i wanted", "bet", "wrong channel", "wrong chat", "ignore that", "ignore me", "ignore this", "bad bot", "hmm", "oops", "whoops", "lmao", "lmfao", "rofl", "xd", "hehe", "gotcha", "cool beans", "damn", "dang", "wild", "no way", "wait really", "really", "crazy", "whoa", "woah", "omg", "oh", "a million"])),
    ];

    // Who a greeting or thanks is addressed to.
    private static readonly HashSet<string> Addressees = new(StringComparer.Ordinal)
    {
        "advisor", "bot", "buddy", "friend", "friends", "all", "everyone", "everybody", "folks", "team", "guys", "yall", "pal", "mate",
        "boss", "sir", "maam", "ma", "madam", "bro", "sis", "fam",
        "again", "coffee", "lunch", "quick", "real", "back",
    };

    // Words before a title that make it the asker's own background ("I'm a data analyst", "as a nurse", "from QA").
    private static readonly HashSet<string> SelfDescription = new(StringComparer.Ordinal)
    {
        "am", "was", "as", "from", "former", "ex", "currently", "been", "background", "coming", "worked", "working",
    };

    private static readonly HashSet<string> StopWords = new(
        SectionIndex.QuestionWords.Concat(["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
            "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
            // Pronouns and the past of "go"/"get": no topic in them ("would my papers count for anything if i went the X route").
            "anything", "everything", "nothing", "anywhere", "somewhere", "everywhere", "went", "gone", "got", "gotten"]),
        StringComparer.Ordinal);

    /// <summary>
    /// A word of a role's name spelled out letter by letter or heard by a voice keyboard, in front of another word of a
    /// role's name or a job title: "a i scientist", "a eye research" (the letter "i" as heard), "Al architect" (a
    /// lower-case L for a capital I). Joined back into the word when that word is one of the knowledge's role words or
    /// a short form role names use ("ai", "ml"). Letters the chat reader has already turned into words stay apart ("m l":
    /// a lone "m" is dropped as the end of "I'm"; "r" is "are").
    /// </summary>
    private static (List<string> Words, HashSet<int> ClauseStarts) SpelledOut((List<string> Words, HashSet<int> ClauseStarts) read, KnowledgeSnapshot knowledge)
    {
        var (words, clauses) = read;
        bool NamesARole(int at) => at < words.Count && !clauses.Contains(at)
            && (knowledge.RoleWords.Contains(words[at]) || RoleNames.IsDiscipline(words[at]) || JobTitles.Head(words[at]) is not null);
        static bool Letter(string w) => (w.Length == 1 && char.IsAsciiLetterLower(w[0])) || w == "eye";

        List<string>? joined = null;
        HashSet<int>? starts = null;
        for (var i = 0; i < words.Count; i++)
        {
            var end = i;
            while (end < words.Count && Letter(words[end]) && (end == i || !clauses.Contains(end)))
            {
                end++;
            }

            var word = end - i >= 2 ? string.Concat(words.Skip(i).Take(end - i).Select(w => w == "eye" ? "i" : w)) : null;
            if (word is null && words[i] == "al")
            {
                (word, end) = ("ai", i + 1);
            }

            if (word is null || !(knowledge.RoleWords.Contains(word) || RoleNames.IsShortForm(word)) || !NamesARole(end))
            {
                joined?.Add(words[i]);
                if (starts is not null && clauses.Contains(i))
                {
                    starts.Add(joined!.Count - 1);
                }

                continue;
            }

            joined ??= [.. words.Take(i)];
            starts ??= [.. clauses.Where(c => c <= i)];
            if (clauses.Contains(i))
            {
                starts.Add(joined.Count);
            }

            joined.Add(word);
            i = end - 1;
        }

        if (joined is null)
        {
            return read;
        }

        starts!.UnionWith(clauses.Where(c => c >= words.Count).Select(_ => joined.Count));
        return (joined, starts);
    }

    private static readonly HashSet<string> QuestionOpeners = new(StringComparer.Ordinal)
    {
        "what", "which", "how", "who", "where", "when", "why", "should", "can", "could", "do", "does", "is", "are", "would", "will",
        "am", "did", "was", "were",
    };

    /// <summary>The last clause that asks something (opens with a question word), as a range of positions, or null.</summary>
    private static (int Start, int End)? QuestionClause(List<string> words, HashSet<int> clauses)
    {
        foreach (var start in clauses.Where(c => c < words.Count).Append(0).Distinct().OrderDescending())
        {
            if (Asks(words, clauses, start))
            {
                return (start, ClauseEnd(clauses, start, words.Count));
            }
        }

        return null;
    }

    /// <summary>True when the clause starting at a position opens with a question word (after at most one word: "ok what…", "so how…").</summary>
    private static bool Asks(IReadOnlyList<string> words, HashSet<int> clauses, int start)
    {
        var end = ClauseEnd(clauses, start, words.Count);
        return Enumerable.Range(start, Math.Min(2, end - start)).Any(k => QuestionOpeners.Contains(words[k]));
    }

    /// <summary>True when the clause that holds a position opens with a question word ("…, who earns more").</summary>
    public static bool ClauseAsks(QuestionReading reading, int position) =>
        Asks(reading.Words, reading.ClauseStarts, ClauseStart(reading.ClauseStarts, position));

    /// <summary>True when there are positions and every one lies in a clause that names none of the roles mentioned.</summary>
    public static bool ApartFromRoles(QuestionReading reading, IReadOnlyCollection<int> positions)
    {
        var roleClauses = reading.Mentions.Select(m => ClauseStart(reading.ClauseStarts, m.Start)).ToHashSet();
        return positions.Count > 0 && positions.All(p => !roleClauses.Contains(ClauseStart(reading.ClauseStarts, p)));
    }

    /// <summary>True for a word that never carries content in a question (stop words, question words, chat filler).</summary>
    public static bool IsNoise(string word) => StopWords.Contains(word) || ChatText.IsFiller(word);

    public static QuestionReading Read(KnowledgeSnapshot knowledge, string question)
    {
        var (typed, clauses) = SpelledOut(ChatText.Read(MentionGuard.Strip(question)), knowledge);
        var words = typed.Select(knowledge.Spelling.Correct).ToList();
        var catalog = knowledge.Catalog;
        DictatedAnd(catalog, typed, words, clauses);
        var mentions = catalog.FindMentions(words).ToList();
        mentions.AddRange(DisciplineMentions(words, mentions, catalog));
        mentions.Sort((a, b) => a.Start.CompareTo(b.Start));
        var statements = StatementsAboutTheAsker(words, clauses);
        var uncovered = FindUncoveredTitles(words, clauses, mentions, knowledge, [.. statements]);

        // A role matched only on the head of an uncovered title ("scientist" in "data scientist") is not that role.
        mentions.RemoveAll(m => uncovered.Any(t => m.Start >= t.Start && m.Start + m.Length <= t.Start + t.Length));

        // "in the architect vs MLRE write-up, how do they describe an MLRE": the roles that name an article say where to look;
        // another role named is what is asked.
        var namedArticle = ArticleNamedByRoles(words, mentions, knowledge);
        var articleName = new HashSet<int>();
        var onlyTheArticlesRoles = false;
        if (namedArticle is { } nameSpan)
        {
            articleName.UnionWith(Enumerable.Range(nameSpan.Start, nameSpan.End - nameSpan.Start));
            var others = mentions.Where(m => m.Start < nameSpan.Start || m.Start >= nameSpan.End).ToList();
            onlyTheArticlesRoles = others.Count == 0;
            if (!onlyTheArticlesRoles)
            {
                mentions = others;

                // Nor is the article itself asked about (its introduction): another role in it is.
                articleName.UnionWith(Enumerable.Range(0, words.Count).Where(k => ArticleNouns.Contains(words[k])
                    || (words[k] == "write" && k + 1 < words.Count && words[k + 1] == "up") || (words[k] == "up" && k > 0 && words[k - 1] == "write")));
            }
        }

        // A role's name, a title, and the asker's description of themselves ("I'm a high school teacher") are not what is asked.
        var consumed = new HashSet<int>(mentions.SelectMany(m => Enumerable.Range(m.Start, m.Length))
            .Concat(uncovered.SelectMany(t => Enumerable.Range(t.Start, t.Length)))
            .Concat(uncovered.Where(t => t.IsContext).SelectMany(t => Enumerable.Range(t.ContextStart, (t.ContextEnd >= 0 ? t.ContextEnd : ClauseEnd(clauses, t.Start, words.Count)) - t.ContextStart))));
        // "an AI engineering team ships…": the career noun after a role's name is part of the subject, not teamwork asked about.
        var careerNouns = mentions.Select(m => m.Start + m.Length)
            .Where(k => k < words.Count && CareerNouns.Contains(words[k]) && !(k + 1 < words.Count && words[k + 1] is "up" or "with")).ToHashSet();

        // "AI engineering as a field", "research as a path": what the role is taken as, not an aspect ("field" is not industries).
        foreach (var m in mentions)
        {
            var k = m.Start + m.Length;
            if (k + 2 < words.Count && words[k] == "as" && words[k + 1] is "a" or "an" && CareerNouns.Contains(words[k + 2]))
            {
                careerNouns.UnionWith([k, k + 1, k + 2]);
            }
        }

        consumed.UnionWith(careerNouns);
        consumed.UnionWith(articleName);

        // "an information technology degree": the field studied is not an aspect asked about (not "tools").
        var field = StudyFields(words, consumed);
        if (mentions.Select(m => m.Role.Name).Distinct().Count() >= 2)
        {
            field.AddRange(Preference(words, clauses)); // "AI engineer or MLRE if i mostly like shipping stuff": what fits, not an aspect
        }

        // "the MLRE in that same article": the article the conversation was in, not its introduction.
        var sameArticle = SameArticleCues.Match(words, consumed).Positions;
        // "…for the job ladder doc", "…for our onboarding deck": what the answer is for, not an aspect asked about.
        field.AddRange(Purpose(words));
        var aspects = AspectLexicon.Read(words, new HashSet<int>(consumed.Concat(field).Concat(DealIdiom(words)).Concat(KnowWhether(words)).Concat(sameArticle)));

        if (WhoDecides(words) is { } who && aspects.Aspect != "responsibilities")
        {
            // "who picks the frameworks and tech stack, the architect?": whose job it is, whatever the thing decided.
            aspects = aspects with { Aspect = "responsibilities", Weight = Math.Max(1, aspects.Weight), Positions = [who, who + 1] };
        }
        if (aspects.Aspect == "tools" && DecidesTools(words, aspects.Positions) is { } decider)
        {
            // "do ai architects pick the frameworks", "would an architect be the one picking our vendors/frameworks": whether
            // deciding on the tools is the role's job, not which tools it uses.
            aspects = aspects with { Aspect = "responsibilities", Weight = Math.Max(1, aspects.Weight), Positions = [decider] };
        }

        if (aspects.Aspect is { } topic && AspectLexicon.IsTopic(topic) && QuestionClause(words, clauses) is { } asking
            && aspects.Positions.All(k => (k < asking.Start || k >= asking.End) && !Asks(words, clauses, ClauseStart(clauses, k)))
            && !Enumerable.Range(asking.Start, asking.End - asking.Start).Any(k => words[k] is "it" or "that" or "this" or "those" or "these"))
        {
            // "screening AI architect resumes rn and i cant tell good from bad. what skills am i looking for": a topic named
            // in clauses that set the scene (none of them a question) gives way to an aspect the question clause asks
            // outright ("how many women are in AI research? will i be the only one" still asks the topic, and so does a
            // question clause that points back at it: "H1B sponsorship for MLRE roles — do companies actually do it").
            var asked = AspectLexicon.Read(words, new HashSet<int>(consumed.Concat(field).Concat(Enumerable.Range(0, words.Count).Where(k => k < asking.Start || k >= asking.End))));
            if (asked.Aspect is { } inQuestion && !AspectLexicon.IsTopic(inQuestion) && asked.Weight >= 1 && inQuestion is not ("definition" or "introduction"))
            {
                aspects = asked with { AllPositions = [.. aspects.AllPositions] };
            }
            else if (mentions.FirstOrDefault(m => m.Start >= asking.Start && m.Start < asking.End && AsksWhatItIs(words, m.Start)) is { Length: > 0 } defined)
            {
                // "whats an MLRE? keep seeing it on job boards": what the role is.
                aspects = aspects with { Aspect = "definition", Weight = 1, Positions = [defined.Start - 1] };
            }
        }

        if (mentions.Select(m => m.Role.Name).Distinct().Count() == 1 && aspects.Aspect != "definition"
            && mentions.FirstOrDefault(m => AsksWhatItIs(words, m.Start)) is { Length: > 0 } whatItIs
            // (A name that runs over the clause's end, "research ml … ? engineers", leaves nothing after it in the clause.)
            && Enumerable.Range(whatItIs.Start + whatItIs.Length, Math.Max(0, ClauseEnd(clauses, whatItIs.Start, words.Count) - whatItIs.Start - whatItIs.Length)).All(k => IsNoise(words[k]))
            && !aspects.Positions.Any(k => k >= ClauseStart(clauses, whatItIs.Start) && k < ClauseEnd(clauses, whatItIs.Start, words.Count)))
        {
            // "mlre = ? the acronym soup in this industry is killing me. what's a machine learning research engineer": a
            // clause that asks only what the role is asks its definition; aspect words elsewhere set the scene.
            aspects = aspects with { Aspect = "definition", Weight = 1, Positions = [whatItIs.Start - 1] };
        }

        var context = new HashSet<int>();
        if (statements is { Count: > 0 } aboutMe)
        {
            // "im a chem grad, i love math, what degree do MLREs have": the aspect is the one the question clause asks about.
            var asked = AspectLexicon.Read(words, new HashSet<int>(consumed.Concat(aboutMe).Concat(field)));
            // "that" in front of a career noun ("what's that life like") points at the role, not back at the statement.
            // "still" weighs the question against the statement ("my degree is in statistics, can i still go the MLRE route").
            var refersBack = Enumerable.Range(0, words.Count).Any(i => !aboutMe.Contains(i) && words[i] is "that" or "this" or "it" or "enough" or "those" or "these" or "still"
                && !(words[i] is not ("it" or "enough" or "still") && i + 1 < words.Count && (CareerNouns.Contains(words[i + 1]) || words[i + 1] is "life" or "work")));
            // Who is asking ("no cs degree here — X or Y, which is more realistic") says what to weigh when the question asks no
            // aspect of its own; only a statement of what the asker likes or has done leaves the aspect to the question.
            var onlyIntroduced = aboutMe.All(i => Introduces(words, clauses, i));
            if ((asked.Aspect is not null && asked.Weight >= 1) || (!refersBack && !onlyIntroduced && aspects.Positions.Count > 0 && aspects.Positions.All(aboutMe.Contains)))
            {
                // The question clause asks about an aspect, or asks none and the only aspect words describe the asker
                // ("decent python dev, like shipping stuff. which fits me better"): a preference, not the aspect asked —
                // unless the question points back at the statement ("i have a data science masters, is that enough…").
                aspects = asked with { AllPositions = [.. aspects.AllPositions], StrongAspects = asked.StrongAspects };
            }

            if (mentions.Select(m => m.Role.Name).Distinct().Count() == 1)
            {
                context.UnionWith(aboutMe);
                aspects = aspects with { AllPositions = [.. aspects.AllPositions.Except(aboutMe)] };
                // Not the question's content either ("math degree, zero industry experience. how do i get started toward MLRE").
                // With two roles they stay ("i like math, AI scientist or MLRE?" weighs each role's lines against them), and
                // with none they are all there is to go by ("i design whole systems… what skills would i need").
                consumed.UnionWith(aboutMe);
            }
        }

        var pair = mentions.Select(m => m.Role).DistinctBy(r => r.Name).ToList();
        if (pair.Count == 2 && pair[0].Articles.Intersect(pair[1].Articles).Any() && Sameness.Match(words, consumed) is { Weight: > 0 } same
            && (aspects.Aspect is null || aspects.Weight < 1 || aspects.Aspect is "definition" or "outlook" or "introduction" or "summary"))
        {
            // "are X and Y even different jobs or the same thing with another title", of two roles one article compares: whether
            // they are distinct roles at all, which is what the article's introduction sets out (roles of different articles
            // are told apart by their definitions).
            aspects = aspects with { Aspect = "introduction", Weight = Math.Max(1, same.Weight), Positions = [.. same.Positions], AllPositions = [.. aspects.AllPositions, .. same.Positions] };
        }

        if (aspects.Aspect is null && mentions.Count > 0 && AsksForAdvice(words))
        {
            // "should i specialize or stay a generalist if i want to be an MLRE": advice on the way in, when nothing else is asked.
            aspects = aspects with { Aspect = "getting-started", Weight = 0.5 };
        }

        if (AgeAsked(words) is { } age && (aspects.Aspect is null || aspects.Weight < 1 || aspects.Aspect == "getting-started"))
        {
            // "can i become an AI architect at 45": whether age matters, which no article speaks to.
            aspects = aspects with { Aspect = "age", Weight = 1, Positions = [age, age + 1], AllPositions = [.. aspects.AllPositions, age, age + 1] };
        }

        if ((aspects.Aspect is null || aspects.Weight < 1) && words.FindIndex(IsPayAmount) is >= 0 and var amount)
        {
            // "prompt engineers make 300k+, cope or real": an amount of pay.
            aspects = aspects with { Aspect = "pay", Weight = 1, Positions = [amount], AllPositions = [.. aspects.AllPositions, amount] };
        }

        if (aspects.Aspect is null or "industries" or "outlook" && HiringNow(words) is { } hiring)
        {
            // "which companies in austin are hiring prompt engineers right now": names of employers, which no article tracks.
            aspects = aspects with { Aspect = "employers", Weight = 1, Positions = [hiring], AllPositions = [.. aspects.AllPositions, hiring] };
        }

        var aspectWeight = aspects.Weight;
        if (NamedEmployer(words, typed, mentions, knowledge) is { Count: > 0 } employer && aspects.Aspect is null or "industries" or "outlook")
        {
            // "does netflix hire AI architects", "is google deepmind hiring": one employer's hiring, which no article tracks.
            aspects = aspects with { Aspect = "employers", Weight = Math.Max(1, aspects.Weight), Positions = [.. employer], AllPositions = [.. aspects.AllPositions, .. employer] };
            aspectWeight = aspects.Weight;
        }

        if (aspects.Aspect == "definition" && mentions.Any(m => AsksWhatItIs(words, m.Start)))
        {
            aspectWeight = 1; // "what's an MLRE?" asks for the definition, whatever else follows
        }
        else if (mentions.FirstOrDefault(m => AfterRole(words, m, "make", "makes", "earn", "earns")) is { Length: > 0 } earner && aspects.Aspect is null or "responsibilities" or "pay" or "deliverables")
        {
            // "what does a prompt engineer make", "how much do MLREs earn": pay, not what they make at work.
            var at = earner.Start + earner.Length + (words[earner.Start + earner.Length] is "actually" or "really" or "usually" or "typically" ? 1 : 0);
            aspects = aspects with { Aspect = "pay", Weight = Math.Max(1, aspects.Weight), Positions = [.. aspects.Positions, at], AllPositions = [.. aspects.AllPositions, at] };
            aspectWeight = aspects.Weight;
        }
        else if (mentions.FirstOrDefault(m => AsksWhereTheyWork(words, m)) is { Length: > 0 } worker && aspects.Aspect is null or "getting-started" or "education" or "industries")
        {
            // "where do AI scientists get hired besides universities": who employs them.
            aspects = aspects with { Aspect = "industries", Weight = Math.Max(1, aspects.Weight) };
            aspectWeight = aspects.Weight;
        }
        else if (aspects.Aspect is null or "responsibilities" && mentions.Any(m => AsksWhatTheyDo(words, m.Start, m.Length))
            && BrieflyCues.Match(words, consumed) is { Weight: > 0 } briefly)
        {
            // "what does an AI architect do, in one sentence": what the role is, put shortly, not the list of its duties.
            aspects = aspects with { Aspect = "definition", Weight = Math.Max(1, aspects.Weight), Positions = [.. briefly.Positions], AllPositions = [.. aspects.AllPositions, .. briefly.Positions] };
            aspectWeight = aspects.Weight;
        }
        else if (aspects.Aspect is null or "responsibilities" && mentions.FirstOrDefault(m => AsksWhatTheyDo(words, m.Start, m.Length)) is { Length: > 0 } doer)
        {
            // "what does a prompt engineer do besides…": the work, whatever words follow.
            aspects = aspects with { Aspect = "responsibilities", Weight = Math.Max(1, aspects.Weight), Positions = [.. aspects.Positions, doer.Start + doer.Length], AllPositions = [.. aspects.AllPositions, doer.Start + doer.Length] };
            aspectWeight = aspects.Weight;
        }

        // A role's name inside a cue is read past: "what is the AI Scientist job like" is "what is the job like".
        // With the little words that lead into it ("a career as an MLRE like" is "a career like").
        var named = new HashSet<int>(mentions.SelectMany(m => Enumerable.Range(m.Start, m.Length)));
        foreach (var m in mentions)
        {
            for (var k = m.Start - 1; k >= 0 && k >= m.Start - 2 && words[k] is "a" or "an" or "the" or "as" or "in" or "of" or "for"; k--)
            {
                named.Add(k);
            }
        }

        var profileSkip = consumed.Except(named).Except(careerNouns).ToHashSet(); // "the AI Scientist job like": "job" is the cue's
        var strongProfile = StrongProfileCues.MatchAcross(words, named, profileSkip);
        if (strongProfile.Weight == 0 && aspects.StrongAspects >= 3 && clauses.Count > 1 && !uncovered.Any(t => t.IsContext) && !AsksYesOrNo(words))
        {
            // "what they do, what it takes, where they end up": several aspects at once ask for the whole role.
            strongProfile = (1, 0, []);
        }

        var profile = ProfileCues.MatchAcross(words, named, profileSkip);
        // "same q but for the engineering side" asks the earlier question again about another role: not a comparison.
        var repeat = RepeatCues.Match(words, consumed);
        var compare = CompareCues.Match(words, new HashSet<int>(consumed.Concat(repeat.Positions)));
        var joined = uncovered.Any(t => mentions.Any(m => Joined(words, t.Start, t.Length, m.Start, m.Length)));
        var secondary = aspects.AllPositions.Except(aspects.Positions).ToHashSet();
        consumed.UnionWith(aspects.AllPositions);
        consumed.UnionWith(strongProfile.Positions);
        consumed.UnionWith(profile.Positions);
        consumed.UnionWith(compare.Positions);

        if (aspects.Aspect == "education")
        {
            // "would an azure or aws cert help", "a data science masters": when the question is about the credential, what it is
            // in names it, not what is asked (the tools section that lists the cloud platforms is not the answer).
            context.UnionWith(CredentialSubjects(words, consumed));
        }

        var article = ArticleCues.Match(words, consumed);
        consumed.UnionWith(article.Positions);

        // "explain to my mom what an X does", "my kid wants to be an X": a word the knowledge never heard of right after "my"
        // is someone or something in the asker's life, not a topic the question asks about.
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i - 1] is "my" or "our" && !consumed.Contains(i) && !knowledge.Spelling.Knows(words[i]) && AspectLexicon.Read([words[i]]).Aspect is null)
            {
                consumed.Add(i);
                context.Add(i);
            }
        }
        // Small talk, unless an aspect is asked outright with words the small talk did not take ("have a good weekend" is a
        // goodbye, not the hours).
        var smallTalk = mentions.Count == 0 && uncovered.Count == 0 && (SmallTalkOf(words) ?? ThanksWithMore(words, clauses)) is { } chat
            && (aspects.Aspect is null || aspects.Weight < 1 || aspects.Positions.All(chat.Positions.Contains)) ? chat.Kind : null;
        if (smallTalk is null && mentions.Count == 0 && !question.Contains('?') && QuestionClause(words, clauses) is null && PraiseCues.Any(words))
        {
            // "ngl this is more useful than our recruiter", "thank you, this has been helpful for planning my meetings next week":
            // praise that asks nothing is thanks, whatever it names on the way.
            smallTalk = "thanks";
        }
        var cue = strongProfile.Weight > 0 ? ProfileCue.Strong : profile.Weight > 0 ? ProfileCue.Weak : ProfileCue.None;
        return new QuestionReading(words, typed, mentions, uncovered, aspects.Aspect, consumed, cue, compare.Weight > 0 || joined, smallTalk)
        {
            AspectWeight = aspectWeight,
            StrongAspects = aspects.StrongAspects,
            SecondaryAspectWords = secondary,
            AspectWords = [.. aspects.Positions],
            AboutArticle = article.Weight > 0 && sameArticle.Count == 0,
            SameArticle = sameArticle.Count > 0,
            NamedArticle = namedArticle?.Article,
            TitleJoined = joined,
            ArticleName = onlyTheArticlesRoles ? [] : articleName,
            OnlyTheArticlesRoles = onlyTheArticlesRoles,
            Context = context,
            ClauseStarts = clauses,
            AsksForTask = mentions.Count == 0 && uncovered.Count == 0 && TaskCues.Any(words),
            AsksForSum = mentions.Count == 0 && uncovered.Count == 0 && Arithmetic(words, question),
        };
    }

    // Whether two roles are distinct jobs at all, or the same one under two titles.
    private static readonly PhraseSet Sameness = new(
    [
        "same thing", "same job", "same role", "same title", "same work", "different jobs", "different roles", "different titles", "different title",
        "different things", "different names", "two names", "two titles", "two different", "interchangeab*", "distinct roles", "distinct jobs", "separate roles",
        "separate jobs", "hype title*", "established role*", "real roles", "real jobs", "just hype", "just titles", "fancy title*", "buzzword*", "new titles",
        "emerging role*", "rebrand*", "renamed", "overlap much", "mostly overlap", "basically the same",
    ]);

    /// <summary>The words of the reader's own cues, which the speller must know ("basics" is not a typo of "basic").</summary>
    public static IEnumerable<string> Vocabulary() =>
        new[] { StrongProfileCues, TaskCues, ArticleCues, ProfileCues, NewTopicCues, OwnJobCues, CompareCues, RepeatCues, SameArticleCues, Sameness }.SelectMany(set => set.Words);

    // Words that call an article by what it compares ("the X vs Y write-up", "the X comparison").
    private static readonly HashSet<string> ArticleNouns = new(StringComparer.Ordinal)
    {
        "article", "articles", "writeup", "guide", "piece", "comparison", "post", "blog", "page", "doc", "breakdown",
    };

    /// <summary>
    /// An article named by its roles, with the span of the role names (and the word joining them): one or two roles (joined by "vs", "and", "or")
    /// right before an article noun ("the architect vs MLRE write-up", "the AI scientist comparison"), or right after
    /// one and "on"/"about"/"comparing" ("the article on research vs engineering"). Null when no single article has them.
    /// </summary>
    private static (Article Article, int Start, int End)? ArticleNamedByRoles(List<string> words, List<(RoleInfo Role, int Start, int Length)> mentions, KnowledgeSnapshot knowledge)
    {
        (RoleInfo Role, int Start, int Length)? EndingAt(int end) => mentions.Where(m => m.Start + m.Length == end).Select(m => ((RoleInfo, int, int)?)m).FirstOrDefault();
        (RoleInfo Role, int Start, int Length)? StartingAt(int start) => mentions.Where(m => m.Start == start).Select(m => ((RoleInfo, int, int)?)m).FirstOrDefault();

        for (var i = 1; i < words.Count; i++)
        {
            var noun = words[i] == "up" && words[i - 1] == "write" ? i - 1 : i;
            if (!ArticleNouns.Contains(words[i]) && noun == i)
            {
                continue;
            }

            var roles = new List<RoleInfo>();
            int start, end;
            if (EndingAt(noun) is { } last)
            {
                roles.Add(last.Role);
                start = last.Start;
                end = noun;
                if (start >= 2 && Joiners.Contains(words[start - 1]) && EndingAt(start - 1) is { } first)
                {
                    roles.Add(first.Role);
                    start = first.Start;
                }
            }
            else if (i + 2 < words.Count && words[i + 1] is "on" or "about" or "comparing" or "of" && StartingAt(i + 2) is { } after)
            {
                roles.Add(after.Role);
                start = after.Start;
                end = after.Start + after.Length;
                if (end + 1 < words.Count && Joiners.Contains(words[end]) && StartingAt(end + 1) is { } second)
                {
                    roles.Add(second.Role);
                    end = second.Start + second.Length;
                }
            }
            else
            {
                continue;
            }

            var articles = knowledge.Articles.Where(a => a.Roles.Count >= 2 && roles.All(r => a.Roles.Contains(r.Name))).ToList();
            if (articles.Count == 1)
            {
                return (articles[0], start, end);
            }
        }

        return null;
    }

    /// <summary>"what is the deal with X": the idiom asks about X in general; its "deal with" is not the work dealt with.</summary>
    /// <summary>
    /// "know" with a question after it ("i need to know how bad it is", "good to know if they hire juniors"): the asker wants
    /// to be told something, not the know-how a role needs ("know how to code" still reads as skills).
    /// </summary>
    private static IEnumerable<int> KnowWhether(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] is "know" or "knowing"
                && (words[i + 1] is "if" or "whether" or "why" or "where" or "when" or "who" or "whom"
                    || (words[i + 1] == "how" && i + 2 < words.Count && words[i + 2] is not ("to" or "i" or "you" or "they" or "we" or "people" or "one"))))
            {
                yield return i;
                yield return i + 1;
            }
        }
    }

    private static IEnumerable<int> DealIdiom(List<string> words)
    {
        for (var i = 3; i + 1 < words.Count; i++)
        {
            if (words[i] == "deal" && words[i + 1] == "with" && words[i - 1] == "the" && words[i - 2] == "is" && words[i - 3] == "what")
            {
                yield return i;
                yield return i + 1;
            }
        }
    }

    private static readonly HashSet<string> Auxiliaries = new(StringComparer.Ordinal)
    {
        "do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should", "has", "have", "am",
    };

    /// <summary>A yes-or-no question: its first word that is not chat filler is an auxiliary ("do architects get to…").</summary>
    private static bool AsksYesOrNo(List<string> words) => words.FirstOrDefault(w => !ChatText.IsFiller(w)) is { } first && Auxiliaries.Contains(first);

    /// <summary>"should i …", "should we …": the asker wants advice on what to do.</summary>
    private static bool AsksForAdvice(List<string> words) =>
        Enumerable.Range(0, Math.Max(0, words.Count - 1)).Any(i => words[i] == "should" && words[i + 1] is "i" or "we");

    private static readonly HashSet<string> HiringVerbs = new(StringComparer.Ordinal) { "hire", "hires", "hiring", "recruit", "recruits", "recruiting" };

    /// <summary>
    /// "does netflix hire …", "is google deepmind hiring …": the positions of a name the knowledge does not know, as the
    /// subject of a hiring verb after a singular "does"/"is"/"will" with no article in front (one organisation, not a
    /// kind of employer: "do startups hire", "does the government hire"); empty when there is none.
    /// </summary>
    private static List<int> NamedEmployer(List<string> words, IReadOnlyList<string> typed, List<(RoleInfo Role, int Start, int Length)> mentions, KnowledgeSnapshot knowledge)
    {
        for (var h = 2; h < words.Count; h++)
        {
            if (!HiringVerbs.Contains(words[h]))
            {
                continue;
            }

            var k = h - 1;
            // One name, or well-known employers joined ("is openai or anthropic hiring").
            bool Joiner(int i) => words[i] is "or" or "and" && i > 0 && i < h - 1 && JobTitles.IsWellKnownEmployer(words[i - 1]) && JobTitles.IsWellKnownEmployer(words[i + 1]);
            while (k >= 0 && k >= h - 5 && (!IsNoise(words[k]) || Joiner(k)) && !mentions.Any(m => m.Start <= k && k < m.Start + m.Length) && JobTitles.Head(words[k]) is null)
            {
                k--;
            }

            var joined = k >= 0 && Enumerable.Range(k + 1, Math.Max(0, h - k - 1)).Any(Joiner);
            if (k < 0 || k == h - 1 || (h - k - 1 > 3 && !joined)
                || !(words[k] is "does" or "is" or "will" or "would" or "did" or "has" || (joined && words[k] is "are" or "do" or "were")))
            {
                continue;
            }

            var name = Enumerable.Range(k + 1, h - k - 1).ToList();
            if (name.Any(i => JobTitles.IsWellKnownEmployer(words[i]) || knowledge.Index.Analyze(typed[i]).Any(t => !knowledge.Index.Knows(t))))
            {
                return name;
            }
        }

        return [];
    }

    // Units after a number that make it something other than an age ("at 45 hours a week").
    private static readonly HashSet<string> NotAges = new(StringComparer.Ordinal)
    {
        "hours", "hrs", "hour", "percent", "minutes", "mins", "days", "weeks", "months", "dollars", "usd", "euros", "people", "companies", "jobs",
    };

    /// <summary>The position of "at" in "at 45" / "at age 45" (an age from 16 to 90 the asker would start at), or of the number in "a 16 yo", or null.</summary>
    private static int? AgeAsked(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            var n = i + 1 < words.Count && words[i + 1] == "age" ? i + 2 : i + 1;
            if (words[i] == "at" && n < words.Count && ChatText.IsNumber(words[n]) && words[n].Length <= 2
                && int.Parse(words[n], System.Globalization.CultureInfo.InvariantCulture) is >= 16 and <= 90
                && !(n + 1 < words.Count && NotAges.Contains(words[n + 1])))
            {
                return i;
            }

            // "a 16 yo", "my 15 y/o": a number of years old, written the short way.
            if (ChatText.IsNumber(words[i]) && words[i].Length <= 2
                && (words[i + 1] == "yo" || (words[i + 1] == "y" && i + 2 < words.Count && words[i + 2] == "o")))
            {
                return i;
            }
        }

        return null;
    }

    // Words that join two numbers into a sum ("17 times 23", "240 divided by 6").
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "times", "x", "plus", "minus", "divided", "multiplied", "over", "by", "mod", "modulo", "squared", "cubed", "percent", "of", "to", "the", "power",
    };

    /// <summary>The position of "which/what companies" when the question goes on to who is hiring now, or null.</summary>
    private static int? HiringNow(List<string> words)
    {
        var at = Enumerable.Range(0, Math.Max(0, words.Count - 1)).FirstOrDefault(i => words[i] is "which" or "what" && words[i + 1] is "companies" or "firms" or "employers", -1);
        return at >= 0 && words.Skip(at).Contains("hiring") && words.Skip(at).Any(w => w is "now" or "currently" or "atm") ? at : null;
    }

    /// <summary>A time served in a job between two positions (the clause after a bare title): "8 yrs in", "10 years".</summary>
    private static bool YearsIn(List<string> words, int from, int to) =>
        Enumerable.Range(from, Math.Max(0, to - from)).Any(k => ChatText.IsNumber(words[k]) && k + 1 < to && words[k + 1] is "yrs" or "years" or "yr" or "year" or "y");

    /// <summary>An amount in thousands as pay is written ("300k", "150K").</summary>
    private static bool IsPayAmount(string word) => word.Length is >= 3 and <= 4 && word[^1] == 'k' && word[..^1].All(char.IsAsciiDigit);

    // A percentage of an amount: "20% tip on $84", "15 percent of 240".
    private static readonly Regex PercentOf = new(@"\d\s*(%|percent\b)\s*(\p{L}+\s+){0,2}(of|on)\s+[$€£]?\d", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>
    /// A calculation asked for: a number, operator words, a number ("what's 17 times 23"), or a percentage of an amount
    /// (<see cref="PercentOf"/>, read from the text as typed: the words have no "%").
    /// </summary>
    private static bool Arithmetic(List<string> words, string question)
    {
        if (PercentOf.IsMatch(question))
        {
            return true;
        }

        for (var i = 0; i < words.Count; i++)
        {
            if (!ChatText.IsNumber(words[i]))
            {
                continue;
            }

            var k = i + 1;
            while (k < words.Count && Operators.Contains(words[k]))
            {
                k++;
            }

            if (k > i + 1 && k < words.Count && ChatText.IsNumber(words[k]) && words.Skip(i + 1).Take(k - i - 1).Any(w => w is not ("of" or "to" or "the" or "by")))
            {
                return true;
            }
        }

        return false;
    }

    // Words whose field is named in front of them: "a computer science degree", "software engineering skills", "industry experience".
    private static readonly HashSet<string> StudyNouns = new(StringComparer.Ordinal)
    {
        "degree", "degrees", "major", "majors", "diploma", "diplomas", "bachelors", "masters", "bsc", "msc", "ba", "ma", "ms", "bs", "grad", "graduate",
        "skill", "skills", "experience", "knowledge", "background",
        "certification", "certifications", "certificate", "certificates",
    };

    // Credentials: what is named in front of them is what they are in ("an azure cert", "a data science masters").
    private static readonly HashSet<string> Credentials = new(StringComparer.Ordinal)
    {
        "degree", "degrees", "diploma", "diplomas", "bachelors", "masters", "bsc", "msc", "certification", "certifications", "certificate", "certificates",
    };

    private static readonly HashSet<string> DecisionVerbs = new(StringComparer.Ordinal)
    {
        "picks", "pick", "chooses", "choose", "decides", "decide", "owns", "own", "sets", "selects", "select", "defines", "approves", "calls",
    };

    private static readonly HashSet<string> Liking = new(StringComparer.Ordinal) { "like", "love", "enjoy", "prefer", "care", "into", "likes", "loves", "enjoys", "prefers", "cares" };

    /// <summary>The position of "who" in "who decides / picks / owns …", or null.</summary>
    private static int? WhoDecides(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] == "who" && DecisionVerbs.Contains(words[i + 1]))
            {
                return i;
            }

            // "do architects get to pick the frameworks": whether it is theirs to decide.
            if (i + 2 < words.Count && words[i] is "get" or "gets" && words[i + 1] == "to" && DecisionVerbs.Contains(words[i + 2]))
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>A verb of deciding ("pick", "choosing") up to four words before the words that asked about tools, or null.</summary>
    private static int? DecidesTools(List<string> words, ISet<int> toolWords)
    {
        for (var k = 0; k < words.Count; k++)
        {
            if ((DecisionVerbs.Contains(words[k]) || words[k] is "picking" or "choosing" or "deciding" or "selecting")
                && toolWords.Any(p => p > k && p - k <= 4))
            {
                return k;
            }
        }

        return null;
    }

    // What people write answers into ("for the ladder doc", "for our onboarding deck").
    private static readonly HashSet<string> Documents = new(StringComparer.Ordinal)
    {
        "documentation", "document", "rubric", "rubrics", "deck", "slide", "slides", "presentation", "report", "wiki", "memo", "newsletter",
        "essay", "ladder", "matrix", "proposal", "pitch", "post", "writeup", "jd", "jds", "template", "handbook", "playbook", "onepager",
    };

    /// <summary>
    /// "for the job ladder doc", "for our onboarding deck": "for", an optional determiner and up to three words ending in a
    /// kind of document — what the answer will be used for.
    /// </summary>
    private static IEnumerable<int> Purpose(List<string> words)
    {
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] != "for")
            {
                continue;
            }

            var k = i + 1;
            if (words[k] is "the" or "our" or "my" or "a" or "an" or "this" or "their" or "your" or "his" or "her")
            {
                k++;
            }

            for (var end = k; end < Math.Min(words.Count, k + 3); end++)
            {
                if (Documents.Contains(words[end]))
                {
                    return Enumerable.Range(i, end + 1 - i);
                }
            }
        }

        return [];
    }

    /// <summary>
    /// "if i (mostly) like …", "for someone who loves …" to the end of its clause: what the asker likes, to weigh the roles
    /// against.
    /// </summary>
    private static IEnumerable<int> Preference(List<string> words, HashSet<int> clauses)
    {
        for (var i = 0; i + 2 < words.Count; i++)
        {
            if (((words[i] == "if" && words[i + 1] == "i") || (words[i] is "someone" or "somebody" or "person" or "people" or "ppl" or "anyone" && words[i + 1] == "who"))
                && Enumerable.Range(i + 2, Math.Min(2, words.Count - i - 2)).Any(k => Liking.Contains(words[k])))
            {
                return Enumerable.Range(i, ClauseEnd(clauses, i, words.Count) - i);
            }
        }

        return [];
    }

    /// <summary>The (up to three) words in front of a credential ("azure or aws cert"), "or"/"and"/"/" between them.</summary>
    private static List<int> CredentialSubjects(List<string> words, HashSet<int> consumed)
    {
        var result = new List<int>();
        for (var i = 1; i < words.Count; i++)
        {
            if (!Credentials.Contains(words[i]))
            {
                continue;
            }

            for (var k = i - 1; k >= Math.Max(0, i - 4) && !consumed.Contains(k) && (!IsNoise(words[k]) || words[k] is "or" or "and") && !StudyNouns.Contains(words[k]); k--)
            {
                if (words[k] is not ("or" or "and"))
                {
                    result.Add(k);
                }
            }
        }

        return result;
    }

    /// <summary>The (up to two) content words in front of a degree or skills word: the field ("computer science degree").</summary>
    private static List<int> StudyFields(List<string> words, HashSet<int> consumed)
    {
        var result = new List<int>();
        for (var i = 1; i < words.Count; i++)
        {
            if (!StudyNouns.Contains(words[i]))
            {
                continue;
            }

            for (var k = i - 1; k >= Math.Max(0, i - 2) && !consumed.Contains(k) && !IsNoise(words[k]) && !StudyNouns.Contains(words[k]); k--)
            {
                result.Add(k);
            }
        }

        return result;
    }

    /// <summary>
    /// Positions of the clauses that state something about the asker without asking ("so im a 3rd year physics undergrad",
    /// "i like math a lot") — in a message that also has a clause that asks.
    /// </summary>
    private static List<int> StatementsAboutTheAsker(List<string> words, HashSet<int> clauses)
    {
        var starts = clauses.Append(0).Distinct().Order().ToList();
        if (starts.Count < 2)
        {
            return [];
        }

        var result = new List<int>();
        var asking = false;
        var describing = false;
        for (var c = 0; c < starts.Count; c++)
        {
            var end = c + 1 < starts.Count ? starts[c + 1] : words.Count;
            var clause = Enumerable.Range(starts[c], end - starts[c]).Where(i => !ChatText.IsFiller(words[i])).ToList();
            // "is", "do", "has" ask only where a question puts them, first ("is that enough"); inside a clause they state ("my
            // friend is an MLRE"), as a modal with "not" does ("and won't stop bragging").
            var states = clause.Count > 0 && !Enumerable.Range(starts[c], end - starts[c]).Any(i => AskingWords.Contains(words[i])
                && (clause[0] == i || !(Copulas.Contains(words[i]) || (i + 1 < end && words[i + 1] == "not"))));

            // "im 24, math degree, zero industry experience": what follows a statement about the asker, without asking, goes on describing them.
            // "thinking about AI research after my masters": the "I'm" chat leaves out.
            describing = states && (SelfOpeners.Contains(words[clause[0]]) || SubjectlessOpeners.Contains(words[starts[c]]) || IsIntroduction(words, clause) || describing);
            if (describing)
            {
                result.AddRange(clause);
            }
            else if (clause.Count > 0)
            {
                asking = true;
            }
        }

        return asking ? result : [];
    }

    /// <summary>True when the word is in a short clause that ends in "here" ("postdoc here"): who is asking.</summary>
    private static bool Introduces(List<string> words, HashSet<int> clauses, int at)
    {
        var (start, end) = (ClauseStart(clauses, at), ClauseEnd(clauses, at, words.Count));
        return IsIntroduction(words, [.. Enumerable.Range(start, end - start).Where(i => !ChatText.IsFiller(words[i]))]);
    }

    /// <summary>"postdoc here", "career services here": a short clause (its words other than filler) that ends in "here".</summary>
    private static bool IsIntroduction(List<string> words, List<int> clause) => clause.Count is >= 2 and <= 4 && words[clause[^1]] == "here";

    private static readonly HashSet<string> Copulas = new(StringComparer.Ordinal) { "is", "are", "do", "does" };

    // "-ing" words that open a statement about the asker without its "I'm" ("thinking about…", "considering…").
    private static readonly HashSet<string> SubjectlessOpeners = new(StringComparer.Ordinal)
    {
        "thinking", "considering", "planning", "hoping", "aiming", "looking", "trying", "leaning", "debating",
    };

    // Words after a discipline that make it a career ("the research side", "the engineering track").
    private static readonly HashSet<string> CareerNouns = new(StringComparer.Ordinal)
    {
        "side", "sides", "track", "tracks", "path", "paths", "career", "careers", "role", "roles", "field", "fields",
        "discipline", "disciplines", "people", "folks", "team", "teams", "world", "jobs", "job", "route", "branch",
    };

    /// <summary>
    /// A role named by the word of its discipline alone, where nothing else could be meant: "the research side", "the
    /// engineering track", "research vs engineering" — when exactly one role's name ends in that word.
    /// </summary>
    private static IEnumerable<(RoleInfo Role, int Start, int Length)> DisciplineMentions(List<string> words, List<(RoleInfo Role, int Start, int Length)> mentions, RoleCatalog catalog)
    {
        RoleInfo? Owner(string word) => RoleNames.IsDiscipline(word)
            ? catalog.Roles.Where(r => TextTools.Words(r.Name) is { Count: > 1 } w && w[^1] == word).ToList() is { Count: 1 } one ? one[0] : null
            : null;

        // The roles the catalog found; the list grows as this yields (the caller adds to it).
        var given = mentions.Count;

        // "ai researchers and engineers": the word in front of the first name is the second's too ("ai engineers").
        foreach (var m in mentions.Where(m => m.Length >= 2).ToList())
        {
            var at = m.Start + m.Length + 1;
            if (at < words.Count && Joiners.Contains(words[at - 1]) && words[at - 1] != "to" && !mentions.Any(o => o.Start <= at && at < o.Start + o.Length)
                && catalog.FindMentions([words[m.Start], words[at]]) is [{ Start: 0, Length: 2 } shared] && shared.Role.Name != m.Role.Name)
            {
                yield return (shared.Role, at, 1);
            }
        }

        // "research vs engineer(s)": a person of a discipline set against the other discipline names that role too.
        RoleInfo? PersonOwner(string word) => !RoleNames.IsDiscipline(word) && RoleNames.DisciplineOfPerson(word) is { } d ? Owner(d) : null;

        for (var i = 0; i < words.Count; i++)
        {
            if (mentions.Any(m => m.Start <= i && i < m.Start + m.Length) || (Owner(words[i]) ?? PersonOwner(words[i])) is not { } role)
            {
                continue;
            }

            var person = Owner(words[i]) is null;

            var career = !person && ((i + 1 < words.Count && CareerNouns.Contains(words[i + 1]))
                || (i >= 1 && words[i - 1] is "against" or "vs" or "than" or "versus" or "compared" or "over"));
            var paired = (i + 2 < words.Count && Joiners.Contains(words[i + 1]) && (person ? Owner(words[i + 2]) : Owner(words[i + 2]) ?? PersonOwner(words[i + 2])) is { } next && next.Name != role.Name)
                || (i >= 2 && Joiners.Contains(words[i - 1]) && (person ? Owner(words[i - 2]) : Owner(words[i - 2]) ?? PersonOwner(words[i - 2])) is { } before && before.Name != role.Name);
            // "researchers and engineers in ai": a person of a discipline joined to a named role of the same article.
            paired = paired || (i >= 2 && Joiners.Contains(words[i - 1]) && words[i - 1] != "to"
                && mentions.Any(m => m.Start + m.Length == i - 1 && m.Role.Name != role.Name && m.Role.Articles.Intersect(role.Articles).Any()));
            if (career || paired || Contrasted(i, role))
            {
                yield return (role, i, 1);
            }
        }

        // "what does research output look like vs what engineering ships": with no role named, two disciplines of one article
        // on either side of the one "vs", each with its own words around it ("how much research vs engineering does an MLRE
        // do" names a role: the balance of its work, not two roles).
        bool Contrasted(int at, RoleInfo role)
        {
            var vs = words.FindIndex(w => w is "vs" or "versus");
            if (given > 0 || vs < 0 || words.FindLastIndex(w => w is "vs" or "versus") != vs || at == vs)
            {
                return false;
            }

            var (from, to) = at < vs ? (vs + 1, words.Count) : (0, vs);
            return Enumerable.Range(from, to - from).Any(k => Owner(words[k]) is { } other && other.Name != role.Name && other.Articles.Intersect(role.Articles).Any());
        }

        // "what do researchers produce vs what engineers produce": the people of two disciplines of one article, compared.
        if (!words.Any(w => w is "vs" or "versus" or "compared" or "or") || mentions.Select(m => m.Role.Name).Distinct().Count() > 1)
        {
            yield break;
        }

        var people = new List<(RoleInfo Role, int At)>();
        for (var i = 0; i < words.Count; i++)
        {
            if (!mentions.Any(m => m.Start <= i && i < m.Start + m.Length) && !RoleNames.IsDiscipline(words[i])
                && RoleNames.DisciplineOfPerson(words[i]) is { } discipline && Owner(discipline) is { } owner)
            {
                people.Add((owner, i));
            }
        }

        var named = mentions.Select(m => m.Role).DistinctBy(r => r.Name).ToList();
        var added = people.DistinctBy(p => p.Role.Name).Where(p => named.All(r => r.Name != p.Role.Name)).ToList();
        var all = named.Concat(added.Select(p => p.Role)).ToList();
        if (all.Count == 2 && all[0].Articles.Intersect(all[1].Articles).Any())
        {
            foreach (var (role, at) in added)
            {
                yield return (role, at, 1);
            }
        }
    }

    /// <summary>
    /// Job titles the catalog does not cover: a title head ("analyst") with the words that say which job it is in front
    /// of it ("data"), where no catalog name takes in those words. A bare head is a title only when no covered role is
    /// named by it ("nurse", not "engineer").
    /// </summary>
    // Words after "am"/"was" that say how the asker feels about a job rather than that they hold it.
    private static readonly HashSet<string> Attitudes = new(StringComparer.Ordinal)
    {
        "curious", "interested", "thinking", "wondering", "asking", "excited", "confused", "torn", "obsessed", "fascinated", "reading",
        "learning", "hearing", "looking", "considering", "talking", "hoping", "jealous", "impressed", "inspired", "worried", "scared",
        "nervous", "keen", "intrigued", "fan", "envious",
    };

    // Words in front of "as" that make the title after it the job wanted ("break in as", "get hired as", "start as").
    private static readonly HashSet<string> Becoming = new(StringComparer.Ordinal)
    {
        "break", "in", "get", "hired", "start", "started", "become", "land", "move", "switch", "transition", "join", "apply", "job", "role", "position",
    };

    // Words in front of a title that make it the job someone hires for ("we're opening an ML platform engineer req",
    // "hiring a data analyst"): the job asked about, not the asker's own.
    private static readonly HashSet<string> Hiring = new(StringComparer.Ordinal)
    {
        "hire", "hiring", "opening", "recruit", "recruiting", "interviewing", "staffing", "backfill", "backfilling", "posting", "sourcing", "screening",
    };

    // Words after which a title is a condition or people in general, not the job asked about ("if every dev…", "when most analysts…").
    private static readonly HashSet<string> Condition = new(StringComparer.Ordinal)
    {
        "if", "when", "whenever", "since", "because", "while", "unless", "every", "all", "most", "many",
    };

    /// <summary>
    /// Where a likening in front of a title starts ("like a", "basically", "kind of", "similar to"): the title is what the
    /// asker compares the role with, not a job asked about. Null when none.
    /// </summary>
    /// <summary>
    /// True when every covered role the question names is named only as what something is likened to ("is it close to X",
    /// "kinda like X?", "similar to X"): the role is a point of comparison, not what is asked about.
    /// </summary>
    public static bool RolesOnlyLikened(QuestionReading reading) =>
        reading.Mentions.Count > 0 && reading.Mentions.All(m => Likening(reading.Words, m.Start) is not null);

    private static int? Likening(IReadOnlyList<string> words, int start)
    {
        var k = start - 1;
        if (k >= 0 && words[k] is "a" or "an" or "the")
        {
            k--;
        }

        if (k >= 0 && words[k] is "like" or "basically" or "essentially" or "kinda" or "literally" or "equivalent" or "similar")
        {
            return k;
        }

        if (k >= 1 && ((words[k - 1], words[k]) is ("kind", "of") or ("sort", "of") or ("same", "as") or ("equivalent", "of") or ("just", "like") or ("more", "like")
            || (words[k] == "to" && words[k - 1] is "similar" or "close" or "closer" or "ish" or "closeish" or "comparable" or "akin" or "related" or "adjacent")))
        {
            return k - 1;
        }

        return null;
    }

    private static List<UncoveredTitle> FindUncoveredTitles(List<string> words, HashSet<int> clauses, List<(RoleInfo Role, int Start, int Length)> mentions, KnowledgeSnapshot knowledge, HashSet<int> aboutMe)
    {
        var found = new List<UncoveredTitle>();
        for (var i = 0; i < words.Count; i++)
        {
            if (JobTitles.Head(words[i]) is not { } head)
            {
                continue;
            }

            var mention = mentions.FirstOrDefault(m => m.Start <= i && i < m.Start + m.Length);

            // The words in front that say which job it is, within the clause: up to three, or one in front of a covered name.
            var start = mention.Role is not null ? mention.Start : i;
            var most = mention.Role is not null ? 1 : 3;
            while (start > 0 && !clauses.Contains(start) && (mention.Role is not null ? mention.Start : i) - start < most && IsDomainModifier(words, start - 1))
            {
                start--;
            }

            bool isUncovered;
            if (mention.Role is not null)
            {
                // Covered unless words in front of the name say it is another job ("solutions architect").
                // Words of covered names in front of a bare head ("research scientist", "ml researcher") make another job too:
                // had they made a covered name, the catalog would have matched the longer name.
                // A whole name of two words or more stays that role whatever is in front ("common AI architect interview
                // questions", "software AI architects work in"): only a bare head takes another job's modifier.
                isUncovered = mention.Start > start && mention.Length == 1;
                if (isUncovered)
                {
                    start = Enumerable.Range(start, mention.Start - start).Where(k => !knowledge.RoleWords.Contains(words[k])).DefaultIfEmpty(start).First();
                }
            }
            else if (start == i)
            {
                // "the translator between the suits and the devs": with a covered role named, people it works with, not a
                // job asked about.
                var peopleAround = mentions.Count > 0 && i > 0 && words[i - 1] == "the" && words[i] != head;
                isUncovered = !JobTitles.NeedsModifier(head) && !knowledge.RoleHeads.Contains(head) && !peopleAround;
            }
            else if (mentions.Any(m => m.Start + m.Length == i && m.Start >= start && words[i - 1].EndsWith('s')))
            {
                // A covered name in the plural right in front is the subject of a verb, not part of a title: "do ai archs
                // lead dev teams" (a job title's words in front of its head are singular: "ai architect lead").
                isUncovered = false;
            }
            else
            {
                // Words in front of a head that make no covered name are another job, even when they are words of covered
                // names ("machine learning engineer", "research scientist": not "Machine Learning Research Engineer", not
                // "AI Scientist"); the reply names the closest covered roles.
                isUncovered = true;
            }

            if (!isUncovered)
            {
                continue;
            }

            var end = mention.Role is not null ? Math.Max(i + 1, mention.Start + mention.Length) : i + 1;
            if (mention.Role is null && end < words.Count && words[end] is "team" or "teams" or "squad" or "squads" or "org" or "department" or "departments")
            {
                continue; // "like normal dev teams", "a charge nurse but for the dev team": a team of them, not the job asked about
            }

            var from = Math.Max(ClauseStart(clauses, start), start - 4);
            var cue = Enumerable.Range(from, start - from).Where(k => SelfDescription.Contains(words[k])).Select(k => (int?)k).FirstOrDefault();

            var contextEnd = -1;
            if (cue is not null && words[cue.Value] == "as" && Enumerable.Range(Math.Max(0, cue.Value - 3), cue.Value - Math.Max(0, cue.Value - 3)).Any(k => Becoming.Contains(words[k])))
            {
                cue = null; // "how do i break in as an AI PM": the job wanted, not the asker's own
            }

            if (cue is null && mention.Role is null)
            {
                var (clauseStart, clauseEnd) = (ClauseStart(clauses, start), ClauseEnd(clauses, start, words.Count));
                if (end < clauseEnd && words[end] == "here")
                {
                    contextEnd = end + 1; // "data analyst here 👋 what do i need to learn…"
                    cue = start;
                }
                else if (mentions.Count == 0 && start == clauseStart && end == clauseEnd && YearsIn(words, end, Math.Min(ClauseEnd(clauses, end, words.Count), end + 4)))
                {
                    cue = start; // "…or go back for a masters? teacher, 8 yrs in": how long the asker has held it
                }
                else if (aboutMe.Contains(start) && !Enumerable.Range(clauseStart, start - clauseStart).Any(k => words[k] is "become" or "becoming" or "into" or "toward" or "towards"
                    || (words[k] == "be" && k > 0 && words[k - 1] == "to") || Hiring.Contains(words[k])))
                {
                    cue = clauseStart; // "decent python dev, 3 yrs backend. which fits me better"
                }
                else if (Enumerable.Range(clauseStart, start - clauseStart).FirstOrDefault(k => Condition.Contains(words[k]), -1) is >= 0 and var at)
                {
                    cue = at; // "do they still have a future if every dev writes prompts": a condition, not the subject
                }
                else if (Likening(words, start) is { } likening)
                {
                    cue = likening; // "so they're basically project managers with a cloud budget", "like a charge nurse but for devs"
                }
            }

            if (cue is { } c && (Enumerable.Range(c, Math.Max(0, start - c)).Any(k => Attitudes.Contains(words[k]))
                || (words[c] is "working" or "worked" && c + 1 < words.Count && words[c + 1] is "with" or "alongside" or "next")))
            {
                cue = null; // "i am curious about robotics engineers", "working with product managers": not the asker's own job
            }

            found.Add(new UncoveredTitle(string.Join(' ', words.Skip(start).Take(end - start)), start, end - start, head, cue is not null) { ContextStart = cue ?? start, ContextEnd = contextEnd });
            i = end - 1;
        }

        found.AddRange(LeadershipTitles(words, clauses, found));
        found.AddRange(UncoveredFields(words, clauses, mentions, knowledge, found));
        return found;
    }

    // Words that make a title of the function after "of" ("head of AI", "VP of engineering").
    private static readonly HashSet<string> LeadershipHeads = new(StringComparer.Ordinal) { "head", "heads", "vp", "vps", "svp", "evp" };

    /// <summary>
    /// A leader of a function ("head of AI research", "VP of engineering"): another job than the function's own people,
    /// covered names included; up to three words after "of", within the clause.
    /// </summary>
    private static IEnumerable<UncoveredTitle> LeadershipTitles(List<string> words, HashSet<int> clauses, List<UncoveredTitle> found)
    {
        for (var i = 0; i + 2 < words.Count; i++)
        {
            if (!LeadershipHeads.Contains(words[i]) || words[i + 1] != "of" || found.Any(t => t.Start <= i && i < t.Start + t.Length))
            {
                continue;
            }

            var end = i + 2;
            var clauseEnd = ClauseEnd(clauses, i, words.Count);
            while (end < clauseEnd && end - (i + 2) < 3 && (IsDomainModifier(words, end) || JobTitles.Head(words[end]) is not null))
            {
                end++;
            }

            if (end > i + 2)
            {
                yield return new UncoveredTitle(string.Join(' ', words.Skip(i).Take(end - i)), i, end - i, words[end - 1], false) { ContextStart = i };
                i = end - 1;
            }
        }
    }

    // Words that lead into a field of work ("get into", "pivot into", "a career in").
    private static readonly HashSet<string> IntoVerbs = new(StringComparer.Ordinal)
    {
        "get", "getting", "got", "break", "breaking", "pivot", "pivoting", "move", "moving", "switch", "switching", "transition",
        "transitioning", "go", "going", "jump", "jumping", "career", "careers", "job", "jobs", "work", "working", "start", "starting",
    };

    /// <summary>A field of work (<see cref="FieldNouns"/>), or an operations practice ("mlops", "secops").</summary>
    private static bool IsField(string word) => FieldNouns.Contains(word) || OpsFields.Contains(word);

    private static readonly HashSet<string> OpsFields = new(StringComparer.Ordinal)
    {
        "mlops", "llmops", "aiops", "dataops", "devsecops", "secops", "finops", "gitops", "sysops", "netops", "itops", "revops", "bizops",
    };

    // Fields of work named by what is done rather than by who does it ("product management", "IT support").
    private static readonly HashSet<string> FieldNouns = new(StringComparer.Ordinal)
    {
        "management", "support", "recruiting", "recruitment", "marketing", "sales", "nursing", "accounting", "teaching", "law",
        "medicine", "finance", "consulting", "journalism", "operations", "administration", "cybersecurity", "devops", "testing",
        "writing", "banking", "hr", "analytics", "policy", "insurance", "logistics", "retail", "construction", "pharmacy", "dentistry",
    };

    private static readonly HashSet<string> SpanStops = new(StringComparer.Ordinal) { "from", "with", "without", "at", "for", "after", "before", "as", "like" };

    /// <summary>
    /// A field of work the knowledge does not cover, named after "get into"/"pivot into"/"a career in" ("how do i pivot into
    /// product management", "get into IT support"): up to three words ending in a field noun, none of them a word of a
    /// covered role's name.
    /// </summary>
    private static IEnumerable<UncoveredTitle> UncoveredFields(List<string> words, HashSet<int> clauses, List<(RoleInfo Role, int Start, int Length)> mentions, KnowledgeSnapshot knowledge, List<UncoveredTitle> found)
    {
        // Spans already read as a title or a field: a field is named once ("get into product management roles").
        var taken = found.Select(t => (t.Start, t.Length)).ToList();
        bool Taken(int k) => taken.Any(t => t.Start <= k && k < t.Start + t.Length);

        for (var i = 1; i + 1 < words.Count; i++)
        {
            if (words[i] is not ("into" or "in") || !IntoVerbs.Contains(words[i - 1]) && !(i >= 2 && IntoVerbs.Contains(words[i - 2]) && words[i - 1] is "a" or "my" or "their"))
            {
                continue;
            }

            var start = i + 1;
            if (start < words.Count && words[start] is "a" or "an" or "the")
            {
                start++;
            }

            var end = start;
            while (end < words.Count && end - start < 3 && !clauses.Contains(end) && !SpanStops.Contains(words[end])
                && (!IsNoise(words[end]) || (words[end] == "it" && end == start && end + 1 < words.Count && !IsNoise(words[end + 1]))))
            {
                end++;
            }

            var head = Enumerable.Range(start, end - start).LastOrDefault(k => IsField(words[k]), -1);
            if (head < 0 || Enumerable.Range(start, head + 1 - start).Any(k => knowledge.RoleWords.Contains(words[k]) || mentions.Any(m => m.Start <= k && k < m.Start + m.Length) || Taken(k)))
            {
                continue;
            }

            taken.Add((start, head + 1 - start));
            yield return new UncoveredTitle(string.Join(' ', words.Skip(start).Take(head + 1 - start)), start, head + 1 - start, words[head], false) { ContextStart = start };
            i = head;
        }

        // "is ux design a good career", "whats the outlook for devops roles", "qa testing as a path into ai": a field named
        // as a career. With a covered role named too, only a field with a word saying which one counts ("management roles"
        // next to a covered role may be where that role leads).
        for (var k = 0; k < words.Count; k++)
        {
            // A discipline a covered role is named after ("engineering") is another field only with a word in front saying
            // which ("data engineering"; not "prompt engineering", "AI engineering").
            var discipline = RoleNames.IsDiscipline(words[k]) && knowledge.RoleWords.Contains(words[k]);
            if ((!IsField(words[k]) && words[k] != "design" && !discipline) || Taken(k)
                || (knowledge.RoleWords.Contains(words[k]) && !discipline) || mentions.Any(m => m.Start <= k && k < m.Start + m.Length))
            {
                continue;
            }

            // A career noun right after the field ("devops roles"), or within the next four words of its clause after "a"/"as"
            // ("ux design a good career", "qa testing as a path"), or another field it is weighed against ("MLOps vs DevOps").
            var after = Enumerable.Range(k + 1, Math.Max(0, Math.Min(ClauseEnd(clauses, k, words.Count), k + 5) - k - 1)).ToList();
            var asCareer = (after.Any(j => FieldCareerNouns.Contains(words[j]))
                    && (FieldCareerNouns.Contains(words[after[0]]) || after.Any(j => words[j] is "a" or "as")))
                || (k + 2 < words.Count && words[k + 1] is "vs" or "versus" or "or" && IsField(words[k + 2]))
                || (k >= 2 && words[k - 1] is "vs" or "versus" or "or" && IsField(words[k - 2]));
            if (!asCareer)
            {
                continue;
            }

            var start = k;
            while (start > 0 && k - start < 2 && !clauses.Contains(start) && IsDomainModifier(words, start - 1) && !knowledge.RoleWords.Contains(words[start - 1])
                && !mentions.Any(m => m.Start <= start - 1 && start - 1 < m.Start + m.Length))
            {
                start--;
            }

            if (start == k && (mentions.Count > 0 || words[k] == "design" || discipline))
            {
                continue;
            }

            yield return new UncoveredTitle(string.Join(' ', words.Skip(start).Take(k + 1 - start)), start, k + 1 - start, words[k], false) { ContextStart = start };
        }
    }

    // Nouns that make the field in front of them a career ("devops roles", "ux design as a career").
    private static readonly HashSet<string> FieldCareerNouns = new(StringComparer.Ordinal)
    {
        "role", "roles", "job", "jobs", "career", "careers", "field", "path", "position", "positions", "profession", "gig", "gigs",
    };

    /// <summary>
    /// A word that can say which job a title is ("data", "solutions", "cloud"): not noise, not seniority, not a verb or
    /// a past participle, and not a word that asks about an aspect (tools words like "software" excepted).
    /// </summary>
    private static bool IsDomainModifier(List<string> words, int at) =>
        IsDomainModifier(words[at]) && !(words[at].EndsWith("ing", StringComparison.Ordinal) && at > 0 && IngVerbContext.Contains(words[at - 1]));

    // Words after which an "-ing" word is a verb ("i keep seeing", "been hearing", "am considering"), not a job's domain.
    private static readonly HashSet<string> IngVerbContext = new(StringComparer.Ordinal)
    {
        "i", "we", "you", "they", "am", "are", "is", "was", "were", "been", "be", "keep", "keeps", "kept", "start", "started",
        "stop", "stopped", "love", "enjoy", "enjoyed", "like", "hate", "avoid", "consider", "considering", "about", "into", "after", "before",
    };

    private static bool IsDomainModifier(string word) =>
        !IsNoise(word) && !JobTitles.IsNonDomainModifier(word) && JobTitles.Head(word) is null && !ChatText.IsNumber(word)
        && !Verbs.Contains(word) && !Hiring.Contains(word) && !(word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal) && !DomainParticiples.Contains(word))
        && AspectLexicon.Read([word]).Aspect is null or "tools";

    // Past participles that name a kind of work ("applied scientist", "embedded engineer", "forward deployed engineer").
    private static readonly HashSet<string> DomainParticiples = new(StringComparer.Ordinal) { "applied", "embedded", "deployed", "distributed" };

    /// <summary>
    /// An "and" a voice keyboard put inside a role's name ("prompt and engineer", "machine learning research and engineer"):
    /// dropped when the words around it make one role's name without it and the words before it name no role on their own
    /// ("research and engineering", "research and eng teams" stay two).
    /// </summary>
    private static void DictatedAnd(RoleCatalog catalog, List<string> typed, List<string> words, HashSet<int> clauses)
    {
        for (var i = words.Count - 2; i >= 1; i--)
        {
            if (words[i] != "and" || clauses.Contains(i) || clauses.Contains(i + 1))
            {
                continue;
            }

            var without = words.Where((_, k) => k != i).ToList();
            var before = catalog.FindMentions(words);
            if (catalog.FindMentions(without).FirstOrDefault(m => m.Start <= i - 1 && m.Start + m.Length > i) is not { Length: > 0 } joined
                || before.Any(m => m.Start + m.Length == i) || (joined.Start == i - 1 && RoleNames.IsDiscipline(words[i - 1])) || before.Any(m => m.Start == i + 1 && m.Start + m.Length >= joined.Start + joined.Length + 1))
            {
                continue;
            }

            words.RemoveAt(i);
            typed.RemoveAt(i);
            var shifted = clauses.Select(c => c > i ? c - 1 : c).ToList();
            clauses.Clear();
            clauses.UnionWith(shifted);
        }
    }

    private static int ClauseStart(HashSet<int> clauses, int position) => clauses.Where(c => c <= position).DefaultIfEmpty(0).Max();

    private static int ClauseEnd(HashSet<int> clauses, int position, int count) => clauses.Where(c => c > position).DefaultIfEmpty(count).Min();

    /// <summary>True when only "or"/"and"/"vs" (and an article) stand between two spans: "data scientist or an AI scientist".</summary>
    private static bool Joined(List<string> words, int aStart, int aLength, int bStart, int bLength)
    {
        var (from, to) = aStart < bStart ? (aStart + aLength, bStart) : (bStart + bLength, aStart);
        var between = Enumerable.Range(from, Math.Max(0, to - from)).Select(k => words[k]).ToList();
        return between.Count is >= 1 and <= 3 && between.Any(Joiners.Contains) && between.All(w => Joiners.Contains(w) || w is "a" or "an" or "the" or "be" or "become" or "being");
    }

    /// <summary>"what is (a|an|the) ROLE": the question asks what the role is.</summary>
    private static bool AsksWhatItIs(List<string> words, int roleStart)
    {
        var i = roleStart - 1;
        if (i >= 0 && words[i] is "a" or "an" or "the")
        {
            i--;
        }

        return i >= 1 && words[i - 1] == "what" && words[i] is "is" or "are";
    }

    /// <summary>The role's name followed (after an adverb or none) by one of <paramref name="verbs"/>, asked with "what"/"how much".</summary>
    private static bool AfterRole(List<string> words, (RoleInfo Role, int Start, int Length) m, params string[] verbs)
    {
        var after = m.Start + m.Length;
        if (after < words.Count && words[after] is "actually" or "really" or "usually" or "typically")
        {
            after++;
        }

        return after < words.Count && verbs.Contains(words[after])
            && Enumerable.Range(0, m.Start).Any(k => words[k] == "what" || (words[k] == "how" && k + 1 < m.Start && words[k + 1] is "much" or "many"));
    }

    /// <summary>"where do AI scientists get hired", "where does an MLRE usually work".</summary>
    private static bool AsksWhereTheyWork(List<string> words, (RoleInfo Role, int Start, int Length) m)
    {
        var i = m.Start - 1;
        if (i >= 0 && words[i] is "a" or "an" or "the")
        {
            i--;
        }

        if (i < 1 || words[i - 1] != "where" || words[i] is not ("do" or "does" or "can" or "could"))
        {
            return false;
        }

        var after = m.Start + m.Length;
        if (after < words.Count && words[after] is "usually" or "typically" or "normally" or "mostly" or "actually" or "even")
        {
            after++;
        }

        return after < words.Count && (words[after] is "work" or "go" or "end" or "land" or "find" || (words[after] == "get" && after + 1 < words.Count && words[after + 1] is "hired" or "jobs" or "a" or "work"));
    }

    /// <summary>"what does an AI Architect do", "what do ML engineers actually do": the role between "do(es)" and "do".</summary>
    private static bool AsksWhatTheyDo(List<string> words, int roleStart, int roleLength)
    {
        var i = roleStart - 1;
        if (i >= 0 && words[i] is "a" or "an" or "the")
        {
            i--;
        }

        var after = roleStart + roleLength;
        if (after < words.Count && words[after] is "actually" or "really" or "even" or "usually" or "typically")
        {
            after++;
        }

        return i >= 1 && words[i - 1] is "what" or "whatd" && words[i] is "does" or "do" or "did" && after < words.Count && words[after] == "do";
    }

    /// <summary>The kind of the first small-talk phrase in the words ("sorry" for "sorry for spamming the channel earlier"), or null.</summary>
    public static string? SmallTalkKind(IReadOnlyList<string> words) => SmallTalkSets.FirstOrDefault(s => s.Set.Any(words)).Kind;

    /// <summary>
    /// Thanks said outright, with more words than the small talk takes ("ugh. ok thanks i guess 😂", "Thank you, this has
    /// been genuinely helpful for planning…"), in a message no clause of which asks anything: still thanks.
    /// </summary>
    private static (string Kind, HashSet<int> Positions)? ThanksWithMore(List<string> words, HashSet<int> clauses)
    {
        var (weight, _, positions) = OutrightThanks.Match(words);
        return weight > 0 && QuestionClause(words, clauses) is null ? ("thanks", [.. positions]) : null;
    }

    private static (string Kind, HashSet<int> Positions)? SmallTalkOf(List<string> words)
    {
        string? kind = null;
        var covered = new HashSet<int>();
        foreach (var (name, set) in SmallTalkSets)
        {
            var (weight, _, positions) = set.Match(words);
            if (weight > 0)
            {
                kind ??= name;
                covered.UnionWith(positions);
            }
        }

        if (words.Count == 0)
        {
            return ("ack", covered); // only emoji or punctuation
        }

        // Where a greeting comes from ("good morning from manila") is part of it.
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i - 1] == "from" && covered.Contains(i - 1))
            {
                covered.Add(i);
                if (i + 1 < words.Count)
                {
                    covered.Add(i + 1);
                }
            }
        }

        // Words that only address someone ("good morning advisor!", "thanks bot", "hi all", "gm team") leave it small talk,
        // and are part of it (not teamwork asked about).
        var rest = words.Where((w, i) => !covered.Contains(i) && !IsNoise(w) && !Addressees.Contains(w)).ToList();
        covered.UnionWith(Enumerable.Range(0, words.Count).Where(i => Addressees.Contains(words[i])));
        return kind is not null && rest.Count == 0 ? (kind, covered) : null;
    }
}
