using Advisor.Core.Knowledge;

namespace Advisor.Core.Retrieval;

/// <summary>
/// The aspects of a career a question can ask about, and the words that signal each: in article headings
/// ("Educational Backgrounds") and in questions ("what degree", "which IDE", "who hires"). A trigger word
/// ending in '*' matches as a prefix; others match whole words (plural 's' allowed).
/// </summary>
public static class AspectLexicon
{
    private sealed record AspectDef(string Key, string Display, string[] Heading, string[] Question, string Related = "");

    private static readonly AspectDef[] Defs =
    [
        new("definition", "Definition", ["definition*", "core focus", "objective*", "overview", "what is"],
            ["what is", "what are", "who is", "who are", "defin*", "mean*", "explain*", "describ*", "focus*", "objective*", "goal*", "aim", "aims", "overview", "purpose"], "focus objective aims responsible specializes role"),
        new("responsibilities", "Responsibilities", ["responsibilit*", "duties", "nature of work", "day to day"],
            ["responsib*", "dut*", "task*", "daily", "day to day", "day-to-day", "all day", "typical day", "typical week", "week", "weeks", "job involve*", "role involve*", "work involve*", "nature of", "kind of work", "type of work", "actually do", "they do", "he do", "she do", "does an", "does a", "work on"], "responsible conduct develop design implement collaborate work tasks"),
        new("skills", "Skills", ["skill*"],
            ["skill*", "abilit*", "competenc*", "proficien*", "good at", "expertise", "math*", "programming", "coding", "languages", "soft skills", "know how", "need to know", "requirement*"], "skills proficiency knowledge experience understanding ability expertise"),
        new("education", "Education", ["educat*", "background*", "degree*", "qualification*"],
            ["educat*", "degree*", "phd*", "ph.d", "doctorate", "master*", "bachelor*", "study", "studie*", "studying", "universit*", "college", "qualification*", "certific*", "academic background", "major", "school*", "diploma*"], "degree bachelor master ph.d computer science mathematics background certifications"),
        new("tools", "Tools and Software", ["tool*", "software", "technolog*", "tech stack"],
            ["tool*", "software", "ide", "ides", "editor*", "framework*", "librar*", "stack", "notebook*", "jupyter", "pycharm", "matlab", "git", "version control", "use day", "platform*", "tech stack", "technolog*"], "tools software frameworks platforms libraries languages environments"),
        new("industries", "Industries", ["industr*", "sector*", "employer*"],
            ["industr*", "sector*", "hire*", "hiring", "employ*", "compan*", "who pays", "work for", "where do", "where can", "field*", "domain*", "organi*"], "industries companies organizations institutions academia academic settings labs sectors technology"),
        new("outlook", "Outlook", ["outlook*", "demand", "future", "career prospect*", "job market"],
            ["outlook*", "demand*", "future", "prospect*", "growth", "grow*", "job market", "market", "in demand", "trend*", "opportunit*", "worth it", "pay", "salar*"], "demand grow growth opportunities future projected"),
        new("deliverables", "Output and Deliverables", ["output*", "deliverable*"],
            ["deliver*", "output*", "produce*", "outcome*", "build*", "create*", "ship*"], "deliverables produce outputs products prototypes applications"),
        new("evaluation", "Evaluation Metrics", ["evaluat*", "metric*", "success"],
            ["measur*", "metric*", "success*", "evaluat*", "kpi*", "judg*", "assess*", "performance review"], "success measured metrics evaluation"),
        new("collaboration", "Collaboration and Workflow", ["collaborat*", "workflow*", "teamwork"],
            ["collaborat*", "workflow*", "team*", "work with", "colleague*", "process*", "agile", "peer review"], "collaborate collaborating teams cross-functional workflow colleagues"),
        new("impact", "Time Horizon and Impact", ["time horizon", "impact"],
            ["horizon*", "long-term", "long term", "short-term", "short term", "impact*", "timeline*", "how long", "breakthrough*", "years"], "time horizon impact long-term short-term years"),
        new("getting-started", "Getting Started", ["tips", "getting started", "advice", "how to start"],
            ["start*", "begin*", "break into", "get into", "getting into", "tip", "tips", "advice", "advise", "becom*", "prepar*", "transition*", "switch*", "career path", "first step*", "get started"], "start foundation experience network education tips"),
        new("summary", "Summary", ["summary", "conclusion*", "in short"], ["summar*", "in short", "tl;dr", "tldr", "overall"]),
        new("introduction", "Introduction", ["introduction"], []),
    ];

    private static readonly Dictionary<string, AspectDef> ByKey = Defs.ToDictionary(d => d.Key, StringComparer.OrdinalIgnoreCase);

    private sealed record Trigger(string[] Parts, bool Prefix);

    private static readonly Dictionary<string, Trigger> Compiled = Defs
        .SelectMany(d => d.Heading.Concat(d.Question))
        .Distinct(StringComparer.Ordinal)
        .ToDictionary(t => t, t => new Trigger([.. TextTools.Words(t.Replace("*", "", StringComparison.Ordinal))], t.EndsWith('*')), StringComparer.Ordinal);

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

    /// <summary>The aspect a topic heading is about, or null.</summary>
    public static string? ForHeading(string heading)
    {
        var words = TextTools.Words(heading);
        foreach (var def in Defs)
        {
            if (def.Heading.Any(t => Matches(words, t, out _)))
            {
                return def.Key;
            }
        }

        return null;
    }

    /// <summary>
    /// Resolves a user-typed aspect name ("skills", "education", "degree", "tools", "who hires") to a key.
    /// </summary>
    public static string? Resolve(string text)
    {
        if (ByKey.ContainsKey(text.Trim()))
        {
            return ByKey[text.Trim()].Key;
        }

        var words = TextTools.Words(text);
        foreach (var def in Defs)
        {
            if (TextTools.Words(def.Display).SequenceEqual(words) || def.Heading.Concat(def.Question).Any(t => Matches(words, t, out _)))
            {
                return def.Key;
            }
        }

        return null;
    }

    /// <summary>The aspect a question asks about (most trigger hits, earliest on ties), and the words that triggered it.</summary>
    public static (string? Aspect, HashSet<int> TriggerPositions) Detect(IReadOnlyList<string> questionWords)
    {
        string? best = null;
        var bestHits = 0.0;
        var bestFirst = int.MaxValue;
        HashSet<int> bestPositions = [];
        foreach (var def in Defs)
        {
            var hits = 0;
            var first = int.MaxValue;
            var positions = new HashSet<int>();
            foreach (var trigger in def.Question)
            {
                if (Matches(questionWords, trigger, out var at))
                {
                    hits++;
                    first = Math.Min(first, at);
                    var len = Compiled[trigger].Parts.Length;
                    for (var k = 0; k < len; k++)
                    {
                        positions.Add(at + k);
                    }
                }
            }

            // Generic openers ("what is") only count when nothing more specific is asked.
            var weight = def.Key == "definition" ? hits * 0.5 : hits;
            if (weight > bestHits || (weight == bestHits && weight > 0 && first < bestFirst))
            {
                best = def.Key;
                bestHits = weight;
                bestFirst = first;
                bestPositions = positions;
            }
        }

        return (best, bestPositions);
    }

    private static bool Matches(IReadOnlyList<string> words, string trigger, out int at)
    {
        var (parts, prefix) = Compiled[trigger];
        for (var i = 0; i + parts.Length <= words.Count; i++)
        {
            var ok = true;
            for (var j = 0; j < parts.Length && ok; j++)
            {
                var w = words[i + j];
                var p = parts[j];
                var last = j == parts.Length - 1;
                ok = w == p || (last && prefix && w.StartsWith(p, StringComparison.Ordinal)) || (w.Length == p.Length + 1 && w[^1] == 's' && w.StartsWith(p, StringComparison.Ordinal));
            }

            if (ok)
            {
                at = i;
                return true;
            }
        }

        at = -1;
        return false;
    }
}
