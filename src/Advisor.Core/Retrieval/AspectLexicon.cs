using Advisor.Core.Knowledge;
using Advisor.Core.Understanding;

namespace Advisor.Core.Retrieval;

/// <summary>
/// The aspects of a career a question can ask about, and the words that signal each: in article headings
/// ("Educational Backgrounds") and in questions ("what degree", "which IDE", "who hires"). A trigger word
/// ending in '*' matches as a prefix; others match whole words (plural 's' allowed).
/// </summary>
public static class AspectLexicon
{
    /// <param name="Topic">
    /// True for what career articles often leave out (pay, remote work, visas, age, interviews, hours, job security,
    /// promotion, freelancing, diversity): asked about a role whose articles have no such section, the honest answer
    /// is that they don't cover it.
    /// </param>
    /// <param name="Near">For a topic: the aspects whose sections come closest to it, to point to instead.</param>
    private sealed record AspectDef(string Key, string Display, string[] Heading, string[] Question, string Related = "", bool Topic = false, string[]? Near = null);

    // Sectors people name when they ask where a role works ("which one works in healthcare", "any MLRE jobs in fintech"): a
    // hint of the industries aspect, not a trigger of its own.
    private static readonly string[] Sectors =
    [
        "~healthcare", "~health care", "~fintech", "~banking", "~retail", "~ecommerce", "~e commerce", "~defense", "~defence",
        "~automotive", "~telecom", "~telco", "~gaming", "~pharma", "~biotech", "~manufacturing", "~logistics", "~media", "~entertainment",
        "~edtech", "~agriculture", "~aerospace", "~energy", "~oil and gas", "~insurance companies", "~big tech", "~bigtech", "~startups",
    ];

    private static readonly AspectDef[] Defs =
    [
        new("definition", "Definition", ["definition*", "core focus", "objective*", "overview", "what is"],
            ["~what is", "~what are", "~who is", "~who are", "defin*", "~mean*", "~explain*", "~describ*", "~focus*", "~objective*", "~goal*", "~aim", "~aims", "~overview", "~purpose", "~about", "what even is", "real job", "a real role",
                "actual job", "title mean", "even mean", "does that mean", "that title", "~point of", "end goal", "main goal"], "focus objective aims responsible specializes role"),
        new("responsibilities", "Responsibilities", ["responsibilit*", "duties", "nature of work", "day to day"],
            ["responsib*", "dut*", "task*", "daily", "every day", "each day", "normal day", "average day", "in a day", "day to day", "day-to-day", "all day", "typical day", "typical week", "day in the life", "routine", "workday", "work day", "workdays", "look like", "week", "weeks", "job involve*", "role involve*", "work involve*", "nature of", "the work of", "work of a", "work of an", "work of the", "kind of work", "type of work", "actually do", "they do", "he do", "she do", "~does an", "~does a", "work on", "spend*", "working on", "get done", "deal with", "in charge", "~at work", "would i be", "will i be", "would i do", "my days", "their days", "filled with", "actual work", "open ended", "told what to do", "~experiment*", "~decid*", "call the shots", "whose call", "get to pick", "get to choose", "say in",
                "someone else", "somebody else", "whose job", "whose problem", "whose responsibility", "their job to", "part of their job", "part of the job", "part of the gig", "part of the role", "on the hook", "on my desk", "on their desk", "on my plate", "on their plate", "plate", "to do list", "todo list", "to dos", "todos", "babysit*", "ownership", "would own", "owns the", "~involv*"], "responsible conduct develop design implement collaborate work tasks"),
        new("skills", "Skills", ["skill*"],
            ["skill*", "abilit*", "competenc*", "proficien*", "good at", "expertise", "math*", "programming", "coding", "code", "languages", "know how", "pick up", "need to learn", "need to know", "requirement*", "learn", "strong in", "capabilit*"], "skills proficiency knowledge experience understanding ability expertise"),
        new("education", "Education", ["educat*", "background*", "degree*", "qualification*"],
            ["educat*", "degree*", "~formation", "phd*", "ph.d", "doctorate", "master*", "msc", "bachelor*", "bsc", "study", "studie*", "studying", "universit*", "uni", "college", "qualification*", "certific*", "cert", "certs", "undergrad*", "coursework", "academic background", "major", "school*", "diploma*", "grad school", "postdoc*", "self taught", "an ms", "a bs", "an msc", "a ba", "bs or ms", "ms or bs", "ms or phd", "bs or phd"], "degree bachelor master ph.d computer science mathematics background certifications"),
        new("tools", "Tools and Software", ["tool*", "software", "technolog*", "tech stack"],
            ["tool*", "software", "ide", "ides", "editor*", "framework*", "librar*", "stack", "notebook*", "jupyter", "pycharm", "vscode", "matlab", "git", "version control", "use day", "platform*", "tech stack", "technolog*", "~use", "~using", "apps", "program they"], "tools software frameworks platforms libraries languages environments", Near: ["skills"]),
        new("industries", "Industries", ["industr*", "sector*", "employer*"],
            ["industr*", "sector*", "hire*", "hiring", "employ*", "~compan*", "who pays", "work for", "where do", "where can", "where does", "where would", "where will", "where could", "field*", "domain*", "organi*", "firms", "businesses", "work at", "place they work", "places they work", "where they work", "where they usually work", "where they mostly work", "place to work", "land me at", "land a job at", "end up at", "switch industries", "change industries", "other industries", "same industry",
                .. Sectors], "industries companies organizations institutions academia academic settings labs sectors technology"),
        new("outlook", "Outlook", ["outlook*", "demand", "future", "career prospect*", "job market"],
            ["outlook*", "demand*", "future", "prospect*", "growth", "~grow*", "going to grow", "grow or shrink", "shrink*", "job market", "market", "in demand", "trend*", "opportunit*", "~worth it", "~worth", "~waste of money", "~waste of time", "hype", "going away", "go away", "disappear*", "still need", "hyped", "dying", "dead end", "sought after", "saturated", "next decade", "long run", "dead", "fading", "peaked", "past its peak",
                "still be a job", "still a job", "still exist", "going to exist", "gonna exist", "exist in", "still be around", "be around", "here to stay", "future proof", "going anywhere",
                "still relevant", "long term demand", "replac*", "automated away", "obsolete", "still be jobs", "still be needed", "be needed in the future",
                "be hiring", "still hiring", "is it growing", "are they growing", "jobs left", "still be work", "job growth", "growing career", "growing field", "in 5 years", "in 10 years", "in five years", "in ten years", "be a thing", "late to the party"], "demand grow growth opportunities future projected"),
        new("deliverables", "Output and Deliverables", ["output*", "deliverable*"],
            ["deliver*", "output*", "produce*", "outcome*", "~build*", "~create*", "ship*", "end product", "result in", "hand over", "hand off", "handoff", "hand in", "at the end of a project"], "deliverables produce outputs products prototypes applications"),
        new("evaluation", "Evaluation Metrics", ["evaluat*", "metric*", "success"],
            ["measur*", "metric*", "success*", "evaluat*", "kpi*", "judg*", "assess*", "performance review", "doing well", "good job", "any good", "how good", "is good", "judged on", "citation*", "a win", "considered a win", "counts as success", "what counts", "a good result"], "success measured metrics evaluation"),
        new("collaboration", "Collaboration and Workflow", ["collaborat*", "workflow*", "teamwork"],
            ["collaborat*", "collab", "collabs", "workflow*", "team*", "work with", "work more with", "work closely with", "work mostly with", "work directly with", "work together with", "colleague*", "process*", "agile", "peer review", "work alongside", "coworker*", "work alone", "alone", "on their own", "on my own", "by themselves", "solo", "sit with", "other teams", "cross functional", "next to", "alongside", "teammate*", "who would i work", "who do they work", "spend time with", "spend their time with", "spend most of their time with", "spend the day with", "spend their days with", "hang out with", "sit next to", "working with", "work closely with", "interact with", "who are they working"], "collaborate collaborating teams cross-functional workflow colleagues"),
        new("impact", "Time Horizon and Impact", ["time horizon", "impact"],
            ["horizon*", "time frame*", "timeframe*", "timescale*", "time scale*", "long-term", "long term", "short-term", "short term", "impact*", "timeline*", "how long", "breakthrough*", "~years", "quick wins", "fast results", "see results", "pan out", "takes years", "take years", "takes longer", "take longer", "longer to", "how fast", "how quickly", "reach users", "turnaround", "results faster", "faster results", "quicker results", "results quicker", "~faster", "~quicker", "~slower",
                "long game", "longer game", "longer term", "pay off", "pays off", "paid off", "payoff", "payoffs", "long haul", "waiting for results", "wait for results",
                "impatient", "patience", "patient"], "time horizon impact long-term short-term years", Near: ["outlook"]),
        new("getting-started", "Getting Started", ["tips", "getting started", "advice", "how to start"],
            ["start*", "begin*", "break into", "get into", "getting into", "tip", "tips", "advice", "advise", "~becom*", "prepar*", "where do i start", "where to start", "where should i start", "how do i start", "where do i even start", "where to even start", "how do i even start", "even start", "transition*", "switch*", "career path", "first step*", "get started", "breaking in", "break in", "breaking into", "game plan", "roadmap", "road map", "pivot*", "move into", "land a job", "get hired", "career change", "hackathon*", "side project*", "portfolio*", "kaggle", "work my way", "work your way", "my way up", "networking", "build a network", "professional network", "open source contribution*", "personal project*"], "start foundation experience network education tips", Near: ["education", "skills"]),
        new("pay", "Pay", ["salar*", "pay", "compensation", "earnings"],
            ["salar*", "pay", "pays", "paid", "payed", "paycheck*", "pay check", "paycheque*", "earn*", "income", "compensation", "comp", "tc", "wage*", "money", "rich", "~how much", "~make", "six figure*", "lucrative", "well paid", "bonus*", "make more", "makes more", "make less", "makes less", "earn more", "earns more", "paid more", "paid better", "pays more",
                "market rate", "going rate", "pay band*", "comp band*", "salary band*", "base salary", "base pay"], Topic: true, Near: ["outlook"]),
        new("timeline", "How long it takes to get there", ["time to hire", "how long it takes"],
            ["how long does it take to become", "how long does it take to get into", "how long does it take to break into", "how long does it take to get hired", "how long does it take to land", "how long does it take to learn", "how long does it take to transition", "how long does it take to switch", "how long does it take to get there", "how long does it take to go from", "how long will it take to become", "how long will it take to get into", "how long will it take to break into", "how long will it take to get hired", "how long will it take to land", "how long will it take to learn", "how long will it take to transition", "how long will it take to switch", "how long will it take to get there", "how long will it take to go from", "how long would it take to become", "how long would it take to get into", "how long would it take to break into", "how long would it take to get hired", "how long would it take to land", "how long would it take to learn", "how long would it take to transition", "how long would it take to switch", "how long would it take to get there", "how long would it take to go from", "how long did it take to become", "how long did it take to get into", "how long did it take to break into", "how long did it take to get hired", "how long did it take to land", "how long did it take to learn", "how long did it take to transition", "how long did it take to switch", "how long did it take to get there", "how long did it take to go from", "how long to become", "how long to get into", "how long to break into", "how long to get hired", "how long to land", "how long to learn", "how long to transition", "how long to switch", "how long to get there", "how long to go from", "how many years to become", "how many years to get into", "how many years to break into", "how many years to get hired", "how many years to land", "how many years to learn", "how many years to transition", "how many years to switch", "how many years to get there", "how many years to go from", "how many months to become", "how many months to get into", "how many months to break into", "how many months to get hired", "how many months to land", "how many months to learn", "how many months to transition", "how many months to switch", "how many months to get there", "how many months to go from", "how many years does it take", "how many months does it take", "years does it take", "years will it take", "years would it take",
                "job search", "job hunt", "job hunting", "time to fill", "time to hire", "how long to hire", "how long does it take to hire", "how long to fill", "take to become", "takes to become", "long to become", "long until i", "long before i", "years to become", "months to become", "long to get into",
                "long to break into", "long to get hired", "long to land", "long to learn", "long to transition", "long to switch", "long to get there",
                "take to get into", "take to break into", "take to get hired", "take to land", "take to transition", "take to switch"],
            Topic: true, Near: ["education", "getting-started"]),
        new("costs", "What courses and certifications cost", ["costs", "tuition"],
            ["cost", "costs", "costly", "price", "prices", "pricing", "priced", "pricey", "tuition", "fee", "fees", "expensive", "cheap", "cheaper",
                "cheapest", "afford*", "worth the money", "how much is the", "how much are the", "scholarship*", "student loan*", "loan forgiv*", "financial aid", "pslf"],
            Topic: true, Near: ["education", "getting-started"]),
        new("employers", "Specific employers", ["specific employers"],
            ["specific compan*", "specific employer*", "specific firms", "specific organi*", "particular compan*", "particular employer*", "company names",
                "names of companies", "names of employers", "name some companies", "name some employers", "name a few companies", "which companies exactly",
                "what companies exactly", "best compan*", "top compan*", "best employer*", "top employer*", "best places to work", "best place to work", "companies are hiring", "who is hiring", "hiring right now",
                "hiring now", "currently hiring", "open positions", "open roles", "job openings", "openings right now"], Topic: true, Near: ["industries"]),
        new("programs", "Which bootcamp, course or school to pick", ["program recommendations"],
            ["best bootcamp*", "which bootcamp*", "what bootcamp*", "top bootcamp*", "recommend a bootcamp", "bootcamp recommendation*",
                "best course*", "top course*", "recommend a course", "course recommendation*", "best online course*",
                "best school*", "which school*", "top school*", "best universit*", "which universit*", "top universit*", "best uni", "best unis", "which uni", "which unis", "top uni", "top unis", "best college*",
                "which college*", "top college*", "best masters program*", "best phd program*",
                "best book*", "which book*", "book recommendation*", "recommend a book", "best youtube", "best channel*"], Topic: true, Near: ["education", "getting-started"]),
        new("sourcing", "Where to post jobs and find candidates", ["sourcing"],
            ["sourcing", "source candidates", "job board*", "jobs board*", "where to post", "where should i post", "where do i post", "post the job", "post a job", "find candidates",
                "recruiting channel*", "recruitment channel*", "talent pool*", "candidate pool*", "pipeline of candidates"], Topic: true, Near: ["getting-started", "industries"]),
        new("remote", "Remote work and travel", ["remote*", "work from home", "location*", "travel*"],
            ["remote*", "wfh", "work from home", "from home", "hybrid", "onsite", "on site", "in office", "office", "relocat*", "nomad", "commut*", "travel*", "business trip*", "city", "cities", "country", "countries"], Topic: true, Near: ["collaboration", "industries"]),
        new("visa", "Visas and immigration", ["visa*", "immigration"],
            ["visa*", "immigra*", "sponsor*", "h1b", "green card", "citizen*", "work permit", "permit*", "residency", "abroad"], Topic: true, Near: ["industries"]),
        new("clearance", "Security clearance", ["security clearance*", "clearance*"],
            ["clearance*", "security clearance", "background check*", "vetting"], Topic: true, Near: ["industries"]),
        new("age", "Age", ["age"],
            ["too old", "too young", "years old", "old to", "age", "ages", "aged", "years old", "midlife", "mid life", "retire*", "older", "younger", "40s", "30s", "50s", "60s", "teen*", "too late", "at my age", "my age", "late bloomer", "late starter", "late in life"], Topic: true, Near: ["education", "getting-started"]),
        new("interviews", "Interviews", ["interview*", "hiring process"],
            ["interview*", "leetcode", "hiring process", "coding test*", "take home", "whiteboard interview*", "whiteboarding", "gpa", "grade point", "resume*", "cover letter", "headline*", "linkedin profile*", "application process", "apply for", "applying for", "job application*", "deadline*"], Topic: true, Near: ["skills", "getting-started"]),
        new("hours", "Hours and work-life balance", ["work life balance", "working hours"],
            ["hours", "overtime", "work life", "balance", "burnout", "burn out", "stressful", "stress level*", "high stress", "low stress", "stress of", "job stress", "work stress", "how much stress", "lot of stress", "weekend*", "vacation*", "pto", "crunch", "on call shift*", "on call rotation*", "be on call", "on call at", "on call during", "paged", "oncall", "pager duty", "pagerduty", "nine to five", "sleep", "free time", "family life", "part time", "full time", "hours a week", "work week", "workweek", "day week", "days a week"], Topic: true, Near: ["responsibilities", "impact"]),
        new("languages", "Spoken languages", ["spoken languages"],
            ["speak japanese", "speak german", "speak french", "speak spanish", "speak chinese", "speak mandarin", "speak korean", "speak the language",
                "japanese", "german", "french", "spanish", "mandarin", "chinese", "korean", "portuguese", "italian", "dutch", "arabic", "hindi",
                "fluent in", "fluency in", "local language"], Topic: true, Near: ["skills"]),
        new("negotiation", "Negotiating an offer", ["negotiation"],
            ["negotiat*", "job offer*", "first offer", "counter offer*", "counteroffer*", "offer letter*"], Topic: true, Near: ["outlook"]),
        new("team-size", "Team size", ["team size"],
            ["team size", "size of the team", "size of their team*", "teams size", "how big are", "how big is the team", "how big is their team", "how large are",
                "how many people are on", "how many people on", "how many people work", "how many of them", "ratio", "ratios", "how many per"], Topic: true, Near: ["collaboration"]),
        new("security", "Job security", ["job security"],
            ["layoff*", "laid off", "lay off", "get cut", "gets cut", "job cuts", "downturn*", "job security", "secure", "stable", "stability", "fired", "recession"], Topic: true, Near: ["outlook"]),
        new("promotion", "Promotion and job changes", ["promotion*", "career ladder", "levels"],
            ["promot*", "career ladder", "ladder", "levels", "leveling", "seniority", "raise", "raises", "job hop*", "change jobs", "switch jobs", "switch companies", "switching companies", "changing jobs", "junior to senior", "to senior",
                "make senior", "become senior", "senior level", "get to senior", "reach senior", "manager track", "management track", "people manager*",
                "ic track", "ic only", "individual contributor*", "staff level", "principal level", "what level", "which level", "level would", "move into management", "become a manager", "managing people", "manage people"], Topic: true, Near: ["outlook", "getting-started"]),
        new("reporting", "Reporting lines", ["reporting lines"],
            ["report to", "reports to", "reporting to", "report into", "reports into", "reporting into", "report up to", "reporting line", "reporting lines", "reporting structure", "reporting chain",
                "who is their boss", "who is their manager", "who manages them", "who do they report"], Topic: true, Near: ["collaboration"]),
        new("freelance", "Freelancing", ["freelanc*", "contracting"],
            ["freelanc*", "contractor*", "gigs", "gig work", "gig economy", "side hustle", "side gig", "self employed", "consultancy", "own business", "own company", "upwork", "fiverr"], Topic: true, Near: ["industries"]),
        new("diversity", "Diversity", ["diversity", "inclusion"],
            ["women", "woman", "gender", "diversity", "minorit*", "female", "inclusion", "disabilit*", "neurodivergent", "adhd"], Topic: true, Near: ["getting-started"]),
        new("benefits", "Benefits and leave", ["benefits", "parental leave"],
            ["parental leave", "maternity", "paternity", "benefit*", "perks", "equity", "stock option*", "stock grant*", "rsu", "rsus", "shares in", "health insurance", "insurance", "401k", "pension*", "retirement plan", "sick leave", "sick days", "time off", "leave policy"], Topic: true, Near: ["industries"]),
        new("culture", "Workplace culture and dress", ["dress code", "workplace culture"],
            ["dress code", "dress", "attire", "clothes", "what to wear", "wear", "wears", "work culture", "company culture", "office culture", "workplace culture"], Topic: true, Near: ["collaboration"]),
        new("unions", "Unions", ["union*", "labor", "labour"],
            ["union*", "unionize*", "collective bargaining", "labor rights", "labour rights", "strike*"], Topic: true, Near: ["industries"]),
        new("summary", "Summary", ["summary", "conclusion*", "in short"], ["summar*", "in short", "tl;dr", "tldr", "bottom line", "takeaway*", "conclu*", "in the end", "verdict", "wrap up", "wraps up", "wrap things up", "parting", "final thoughts", "closing thoughts", "final message", "at the end", "ending", "closing", "end with", "ends with", "end on", "sum up", "sum it up", "final word", "article end", "piece end", "writeup end", "it end", "the ending", "last section",
            "overall message", "main message", "key message", "overall point", "main point", "big picture point",
            "both vital", "both important", "both essential", "both core", "both integral", "both needed", "equally important", "build teams",
            "as important as", "second tier", "second class", "lesser role", "less important", "more important",
            "separate worlds", "totally separate", "completely separate", "complement each other", "complementary",
            "work together", "need each other", "care about the split", "the split", "the divide", "how do the two connect",
            "how do they connect", "the two connect", "involved in the same", "same projects",
            "build better teams", "building teams", "build its teams", "build their teams", "put together its teams", "put together teams",
            "team composition", "structure teams", "organize teams"]),
        new("introduction", "Introduction", ["introduction"], ["article", "writeup", "write up", "blog post", "this post", "this piece", "meant for", "who is it for", "read about", "reading about", "why read", "big deal", "why does it matter", "why it matters", "why is it important", "at the start", "very start", "~context", "set things up",
            "distinction", "distinctions", "split into", "~split", "~splitting", "two buckets", "two camps", "why bother", "bother", "who needs", "written for",
            "aimed at", "the intro", "that intro", "its intro", "the opening", "opening section", "first section", "point of comparing", "point of the comparison", "point of a comparison", "why compare", "why care", "care about", "emerged", "emerging roles", "big roles"]),
    ];

    private static readonly Dictionary<string, AspectDef> ByKey = Defs.ToDictionary(d => d.Key, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, (PhraseSet Heading, PhraseSet Question, PhraseSet All)> Sets = Defs.ToDictionary(
        d => d.Key,
        d => (new PhraseSet(d.Heading), new PhraseSet(d.Question), new PhraseSet(d.Heading.Concat(d.Question).Select(t => t.TrimStart('~')))),
        StringComparer.Ordinal);

    /// <summary>
    /// Aspect keys in the order a comparison lines them up; the last three are usually article-level sections
    /// (outlooks, tips for getting started, a conclusion) rather than a section per role.
    /// </summary>
    public static IReadOnlyList<string> ComparisonOrder { get; } =
        ["definition", "responsibilities", "skills", "education", "tools", "industries", "deliverables", "evaluation", "collaboration", "impact", "outlook", "getting-started", "summary"];

    /// <summary>All aspect keys.</summary>
    public static IReadOnlyList<string> Keys { get; } = Defs.Select(d => d.Key).ToArray();

    /// <summary>Words sections about this aspect tend to use, for text matching when no section is labelled with it.</summary>
    public static string Related(string key) => ByKey.TryGetValue(key, out var d) ? d.Related : "";

    /// <summary>"Education" for "education".</summary>
    public static string Display(string key) => ByKey.TryGetValue(key, out var d) ? d.Display : key;

    /// <summary>The stems of the prefix triggers ("educat", "responsib"): a word starting with one is a word a reader knows.</summary>
    public static IEnumerable<string> Prefixes() =>
        Defs.SelectMany(d => d.Heading.Concat(d.Question)).Where(t => t.EndsWith('*'))
            .Select(t => TextTools.Words(t.Trim('~', '*'))).Where(w => w.Count > 0 && w[^1].Length >= 4).Select(w => w[^1]).Distinct();

    /// <summary>Every word the triggers are made of, a prefix trigger ("educat*") with its usual endings: words a reader knows.</summary>
    public static IEnumerable<string> Vocabulary()
    {
        string[] endings = ["s", "e", "es", "ed", "ing", "y", "ies", "ion", "ions", "al", "ity", "er", "ers", "ment", "ments"];
        foreach (var trigger in Defs.SelectMany(d => d.Heading.Concat(d.Question)))
        {
            var words = TextTools.Words(trigger.Trim('~', '*'));
            foreach (var w in trigger.EndsWith('*') ? words.SkipLast(1) : words)
            {
                yield return w;
            }

            if (trigger.EndsWith('*') && words.Count > 0)
            {
                foreach (var ending in endings)
                {
                    yield return words[^1] + ending;
                }
            }
        }
    }

    // On equal weight: a topic (what the question is really about) beats an aspect, which beats the generic ones.
    private static int Rank(string key) => ByKey[key].Topic ? 4 : key switch
    {
        "definition" => 0,
        "introduction" => 1,
        "summary" => 2,
        _ => 3,
    };

    /// <summary>True for an aspect a role has its own section about (responsibilities … outlook), not a generic one (definition, tips, summary).</summary>
    public static bool IsSpecific(string key) => !IsTopic(key) && key is not ("definition" or "getting-started" or "summary" or "introduction");

    /// <summary>True for an aspect or topic key ("education", "pay").</summary>
    public static bool IsAspect(string key) => ByKey.ContainsKey(key);

    /// <summary>True for a topic career articles often leave out (pay, remote work, visas…): see <c>AspectDef.Topic</c>.</summary>
    public static bool IsTopic(string key) => ByKey.TryGetValue(key, out var d) && d.Topic;

    // Each topic's own words: its one-word triggers and the last word of a trigger phrase that ends in a prefix of six
    // letters or more (what the phrase is about: "bootcamp" in "which bootcamp*"), when no other topic's triggers use them
    // and they are not common words. (The last word of another phrase is often an everyday word: "code" in "dress code",
    // "level" in "stress level*".)
    private static readonly Lazy<(string Key, string[] Words)[]> TopicWords = new(() =>
    {
        static string[] Split(string trigger) => trigger.TrimStart('~').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var usedBy = Defs.Where(d => d.Topic).SelectMany(d => d.Question.SelectMany(Split).Distinct(StringComparer.Ordinal))
            .GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. Defs.Where(d => d.Topic).Select(d => (d.Key, d.Question.Select(Split).Where(t => t.Length == 1 || (t[^1].EndsWith('*') && t[^1].Length > 6)).Select(t => t[^1])
            .Distinct(StringComparer.Ordinal).Where(w => usedBy[w] == 1 && w.TrimEnd('*').Length >= 4 && !QuestionReader.IsNoise(w.TrimEnd('*'))).ToArray()))];
    });

    /// <summary>
    /// The topic the articles may lack that a question's words hint at without asking it in so many words ("which specific
    /// bootcamp should i do" hints at which bootcamp to pick): the one topic whose own trigger words the question uses most,
    /// or null when none does or two tie. Only the words <paramref name="counts"/> accepts are counted (those the knowledge
    /// hardly uses: a word its sections use is not why a question is about something they lack).
    /// </summary>
    public static string? HintedTopic(IReadOnlyList<string> questionWords, Func<string, bool> counts)
    {
        questionWords = [.. questionWords.Where(counts)];
        static bool Matches(string trigger, string word) => trigger.EndsWith('*')
            ? word.StartsWith(trigger[..^1], StringComparison.Ordinal)
            : word == trigger || word == trigger + "s";

        var scored = TopicWords.Value.Select(t => (t.Key, Count: questionWords.Count(w => t.Words.Any(trigger => Matches(trigger, w)))))
            .Where(t => t.Count > 0).OrderByDescending(t => t.Count).Take(2).ToList();
        return scored.Count == 1 || (scored.Count == 2 && scored[0].Count > scored[1].Count) ? scored[0].Key : null;
    }

    /// <summary>
    /// The topic a question's words ask about outright ("parental leave"), whatever other aspect they ask about too, or null
    /// when none does or two weigh the same: what to call a refusal the aspect triggers did not make.
    /// </summary>
    public static string? TopicOf(IReadOnlyList<string> questionWords)
    {
        var weighed = Defs.Where(d => d.Topic).Select(d => (d.Key, Weight: Sets[d.Key].Question.Match(questionWords).Weight))
            .Where(t => t.Weight >= 1).OrderByDescending(t => t.Weight).Take(2).ToList();
        return weighed.Count == 1 || (weighed.Count == 2 && weighed[0].Weight > weighed[1].Weight) ? weighed[0].Key : null;
    }

    /// <summary>For a topic: the aspects whose sections come closest to it.</summary>
    public static IReadOnlyList<string> Near(string key) => ByKey.TryGetValue(key, out var d) ? d.Near ?? [] : [];

    /// <summary>The aspect a topic heading is about, or null.</summary>
    public static string? ForHeading(string heading)
    {
        var words = TextTools.Words(heading);
        return Defs.FirstOrDefault(d => Sets[d.Key].Heading.Any(words))?.Key;
    }

    /// <summary>
    /// Resolves a user-typed aspect name ("skills", "education", "degree", "tools", "who hires") to a key.
    /// </summary>
    public static string? Resolve(string text)
    {
        if (ByKey.TryGetValue(text.Trim(), out var exact))
        {
            return exact.Key;
        }

        var words = TextTools.Words(text);
        return Defs.FirstOrDefault(d => TextTools.Words(d.Display).SequenceEqual(words) || Sets[d.Key].All.Any(words))?.Key;
    }

    /// <summary>The aspect a question asks about (most trigger weight; on ties a topic before an aspect, then the earliest), and the words that triggered it.</summary>
    public static (string? Aspect, HashSet<int> TriggerPositions) Detect(IReadOnlyList<string> questionWords, ISet<int>? skip = null)
    {
        var reading = Read(questionWords, skip);
        return (reading.Aspect, reading.Positions);
    }

    /// <summary>Everything the aspect triggers say about a question (see <see cref="AspectReading"/>).</summary>
    /// <param name="questionWords">The question's words.</param>
    /// <param name="skip">Positions not to read (a role's name).</param>
    public static AspectReading Read(IReadOnlyList<string> questionWords, ISet<int>? skip = null)
    {
        string? best = null;
        var bestWeight = 0.0;
        var bestFirst = int.MaxValue;
        HashSet<int> bestPositions = [];
        var all = new HashSet<int>();
        var strong = 0;
        // Every trigger found, longest first: words a longer phrase of another aspect took ("meant for") don't count again ("mean*").
        var found = Defs.SelectMany(d => Sets[d.Key].Question.Matches(questionWords, skip).Select(m => (d.Key, m.Start, m.Length, m.Weight)))
            .OrderByDescending(m => m.Length).ThenBy(m => m.Start).ToList();
        var claimed = new HashSet<int>();
        var kept = new List<(string Key, int Start, int Length, double Weight)>();
        foreach (var m in found)
        {
            var span = Enumerable.Range(m.Start, m.Length).ToList();
            if (span.All(claimed.Contains) && !kept.Any(k => k.Key == m.Key && k.Start <= m.Start && m.Start + m.Length <= k.Start + k.Length))
            {
                continue;
            }

            claimed.UnionWith(span);
            kept.Add(m);
        }

        foreach (var def in Defs)
        {
            var mine = kept.Where(k => k.Key == def.Key).ToList();
            var weight = mine.Sum(k => k.Weight);
            var first = mine.Count == 0 ? int.MaxValue : mine.Min(k => k.Start);
            var positions = mine.SelectMany(k => Enumerable.Range(k.Start, k.Length)).ToList();
            all.UnionWith(positions);
            if (weight >= 1 && def.Key is not ("definition" or "introduction"))
            {
                strong++;
            }

            var better = weight > bestWeight
                || (weight == bestWeight && weight > 0 && (Rank(def.Key) > Rank(best!) || (Rank(def.Key) == Rank(best!) && first < bestFirst)));
            if (better)
            {
                best = def.Key;
                bestWeight = weight;
                bestFirst = first;
                bestPositions = [.. positions];
            }
        }

        return new AspectReading(best, bestWeight, bestPositions, all, strong);
    }
}

/// <summary>What the aspect triggers found in a question.</summary>
/// <param name="Aspect">The aspect with the most trigger weight, or null.</param>
/// <param name="Weight">Its weight: a strong trigger counts 1, a weak one ½.</param>
/// <param name="Positions">The words that triggered it.</param>
/// <param name="AllPositions">The words that triggered any aspect.</param>
/// <param name="StrongAspects">How many specific aspects were asked about with a strong trigger ("skills, education, tools, all of it").</param>
public sealed record AspectReading(string? Aspect, double Weight, HashSet<int> Positions, HashSet<int> AllPositions, int StrongAspects);
