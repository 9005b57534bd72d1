using System.Globalization;
using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Evaluation;

/// <summary>A question the answer got wrong: what it expected and what came back.</summary>
public sealed record EvalMiss(EvalCase Case, string Got, string Why);

/// <summary>Right and total for one expectation kind.</summary>
public sealed record EvalKindScore(string Kind, int Right, int Total);

/// <summary>The result of running an eval set against one knowledge version.</summary>
public sealed record Scorecard(
    string KnowledgeVersion,
    int Right,
    int Total,
    IReadOnlyList<EvalKindScore> ByKind,
    IReadOnlyList<EvalMiss> Misses,
    int AnsweredAsCovered,
    IReadOnlyList<EvalLineError> Errors)
{
    /// <summary>Share of questions answered right (0 when there are none).</summary>
    public double Score => Total == 0 ? 0 : (double)Right / Total;

    /// <summary>The scorecard as text, misses included.</summary>
    public string Describe(string? name = null)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Eval{(name is null ? "" : " " + name)} on knowledge {KnowledgeVersion}: {Right}/{Total} right = {Score * 100:0.0}%");
        foreach (var kind in ByKind)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n  {kind.Kind,-16} {kind.Right,4}/{kind.Total}");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nOff-topic or uncovered-role questions answered as if covered: {AnsweredAsCovered}");
        if (Misses.Count > 0)
        {
            sb.Append("\nMisses:");
            foreach (var miss in Misses)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  {miss.Case.Id} [{miss.Case.Expect}] {Quote(miss.Case.Question)}\n      got: {miss.Got}\n      why: {miss.Why}");
            }
        }

        foreach (var error in Errors)
        {
            sb.Append("\nNot read: ").Append(error);
        }

        return sb.ToString();
    }

    private static string Quote(string text) => "\"" + text.Replace("\n", " ", StringComparison.Ordinal) + "\"";
}

/// <summary>What a knowledge load's eval run found: the score, the floor and whether it passed, the first misses.</summary>
public sealed record EvalReport(string File, int Right, int Total, double Score, double Floor, bool Passed, IReadOnlyList<string> Misses, IReadOnlyList<string> Errors)
{
    /// <summary>How many misses <see cref="From"/> keeps.</summary>
    public const int MissesKept = 10;

    public static EvalReport From(Scorecard card, string file, double floor) => new(
        file,
        card.Right,
        card.Total,
        Math.Round(card.Score, 4),
        floor,
        card.Total == 0 || card.Score >= floor,
        card.Misses.Take(MissesKept).Select(m => $"{m.Case.Id}: \"{m.Case.Question}\" — {m.Why}; got {m.Got}").ToList(),
        card.Errors.Select(e => e.ToString()).ToList());

    /// <summary>One line for an admin.</summary>
    public string Line() =>
        Total == 0
            ? $"Eval {File}: no readable questions" + (Errors.Count > 0 ? $" ({Errors.Count} lines not read)" : "") + "."
            : string.Create(CultureInfo.InvariantCulture, $"Eval {File}: {Right}/{Total} right ({Score * 100:0.0}%), floor {Floor * 100:0.#}%")
                + (Passed ? "." : " — below the floor.") + (Errors.Count > 0 ? $" {Errors.Count} lines not read." : "");
}

/// <summary>
/// Runs eval questions through the default (extractive) answering path of one knowledge snapshot and judges each
/// answer against what the question expects. Follow-ups are asked after their history, as in a conversation.
/// </summary>
public static class Evaluator
{
    public static Scorecard Run(KnowledgeSnapshot knowledge, IReadOnlyList<EvalCase> cases, IReadOnlyList<EvalLineError>? errors = null)
    {
        var misses = new List<EvalMiss>();
        var right = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        var answeredAsCovered = 0;
        foreach (var c in cases)
        {
            var history = new List<ConversationTurn>();
            foreach (var earlier in c.History)
            {
                history.Add(new ConversationTurn(earlier, Answer(knowledge, earlier, history)));
            }

            var answer = Answer(knowledge, c.Question, history);
            var (ok, why) = Judge(knowledge, c, answer);
            total[c.Expect] = total.GetValueOrDefault(c.Expect) + 1;
            if (ok)
            {
                right[c.Expect] = right.GetValueOrDefault(c.Expect) + 1;
            }
            else
            {
                misses.Add(new EvalMiss(c, Describe(answer), why));
            }

            if (c.Expect is "off-topic" or "uncovered-role" && IsCoveredAnswer(answer))
            {
                answeredAsCovered++;
            }
        }

        var byKind = EvalSet.Kinds.Where(total.ContainsKey).Select(k => new EvalKindScore(k, right.GetValueOrDefault(k), total[k])).ToList();
        return new Scorecard(knowledge.Version, right.Values.Sum(), cases.Count, byKind, misses, answeredAsCovered, errors ?? []);
    }

    /// <summary>Reads an eval file and runs it.</summary>
    public static Scorecard RunFile(KnowledgeSnapshot knowledge, string path)
    {
        var (cases, errors) = EvalSet.ReadFile(path);
        return Run(knowledge, cases, errors);
    }

    private static Answer Answer(KnowledgeSnapshot knowledge, string question, IReadOnlyList<ConversationTurn> history) =>
        ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, question, history));

    private static bool IsCoveredAnswer(Answer answer) => answer.Kind is AnswerKind.Answer or AnswerKind.Comparison or AnswerKind.Profile;

    /// <summary>Whether an answer is right for a case, and if not, why.</summary>
    public static (bool Ok, string Why) Judge(KnowledgeSnapshot knowledge, EvalCase c, Answer answer)
    {
        var first = answer.Citations.FirstOrDefault();
        switch (c.Expect)
        {
            case "answer":
                if (c.Sections.FirstOrDefault(id => !knowledge.SectionsById.ContainsKey(id)) is { } missing)
                {
                    return (false, $"the expected section \"{missing}\" is not in the knowledge (see `advisor sections`)");
                }

                return IsCoveredAnswer(answer) && first is not null && c.Sections.Contains(first.SectionId)
                    ? (true, "")
                    : (false, $"expected first citation {string.Join(" or ", c.Sections)}");
            case "compare":
                if (!IsCoveredAnswer(answer))
                {
                    return (false, "expected both roles answered, each cited");
                }

                var aspects = c.Aspect is null ? null : AspectsNamed(knowledge, c.Aspect);
                if (aspects is { Count: 0 })
                {
                    return (false, $"the aspect \"{c.Aspect}\" is neither an aspect nor a heading in the knowledge (see `advisor sections`)");
                }

                var sides = c.Roles.Where(role => !answer.Citations.Any(x => About(knowledge, x, role) && OnAspect(knowledge, role, x, aspects))).ToList();
                return sides.Count == 0 ? (true, "") : (false, $"no citation about {string.Join(" and ", sides)}" + (c.Aspect is null ? "" : $" on {c.Aspect}"));
            case "profile":
                return answer.Kind == AnswerKind.Profile && first is not null && About(knowledge, first, c.Roles[0])
                    ? (true, "")
                    : (false, $"expected a profile of {c.Roles[0]}");
            case "uncovered-role":
                return answer.Kind == AnswerKind.UncoveredRole ? (true, "") : (false, "expected: the articles don't cover that role");
            case "uncovered-topic":
                return answer.Kind == AnswerKind.UncoveredTopic ? (true, "") : (false, "expected: the articles don't cover that topic");
            case "small-talk":
                return answer.Kind == AnswerKind.SmallTalk ? (true, "") : (false, "expected a small-talk reply");
            default: // off-topic: any reply that does not answer as if the knowledge covered it
                return answer.Abstained ? (true, "") : (false, "expected: not covered");
        }
    }

    /// <summary>
    /// The aspects an eval line's "aspect" names: an aspect tag as <c>advisor sections</c> prints it ("responsibilities"),
    /// or the words of a heading ("nature of work", "time horizon"), which stand for the aspects of the sections under it.
    /// </summary>
    public static IReadOnlySet<string> AspectsNamed(KnowledgeSnapshot knowledge, string named)
    {
        var wanted = HeadingWords(named);
        var tags = knowledge.Sections.Where(s => s.Aspect is not null && string.Equals(s.Aspect, named.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Aspect!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (tags.Count > 0 || wanted.Length == 0)
        {
            return tags;
        }

        return knowledge.Sections.Where(s => s.Aspect is not null && ContainsRun(HeadingWords(s.Topic), wanted))
            .Select(s => s.Aspect!).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A citation is on the aspect asked when its section has one of <paramref name="aspects"/>; when the knowledge has no
    /// section on those aspects for the role at all (pay asked of a role with no pay section), any citation about the
    /// role is the best an answer can do and counts.
    /// </summary>
    private static bool OnAspect(KnowledgeSnapshot knowledge, string role, Citation citation, IReadOnlySet<string>? aspects)
    {
        if (aspects is null)
        {
            return true;
        }

        if (knowledge.SectionsById.GetValueOrDefault(citation.SectionId)?.Aspect is { } aspect && aspects.Contains(aspect))
        {
            return true;
        }

        return !knowledge.Sections.Any(s => s.Aspect is { } a && aspects.Contains(a) && About(knowledge, s, role));
    }

    private static string[] HeadingWords(string text) =>
        text.ToLowerInvariant().Split([' ', '.', ',', '-', '&', '/', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.All(char.IsDigit)).ToArray();

    private static bool ContainsRun(string[] words, string[] run)
    {
        for (var i = 0; i + run.Length <= words.Length; i++)
        {
            if (words.AsSpan(i, run.Length).SequenceEqual(run))
            {
                return true;
            }
        }

        return false;
    }

    private static bool About(KnowledgeSnapshot knowledge, KnowledgeSection section, string role) => About(knowledge, section.Role, section.File, role);

    /// <summary>True when a citation is about the role: the role's own section, or a general section of an article about it.</summary>
    private static bool About(KnowledgeSnapshot knowledge, Citation citation, string role) => About(knowledge, citation.Role, citation.File, role);

    private static bool About(KnowledgeSnapshot knowledge, string? sectionRole, string file, string role) =>
        sectionRole is { } r
            ? r.Equals(role, StringComparison.OrdinalIgnoreCase)
            : knowledge.Articles.Any(a => a.File == file && a.Roles.Contains(role, StringComparer.OrdinalIgnoreCase));

    private static string Describe(Answer answer) => answer.Kind switch
    {
        AnswerKind.Answer or AnswerKind.Comparison or AnswerKind.Profile =>
            $"{answer.Kind.ToString().ToLowerInvariant()}, citing {string.Join(", ", answer.Citations.Take(3).Select(c => c.SectionId))}",
        AnswerKind.UncoveredRole => $"uncovered role \"{answer.Uncovered}\"",
        AnswerKind.UncoveredTopic => $"uncovered topic \"{answer.Uncovered}\"",
        _ => answer.Kind.ToString().ToLowerInvariant(),
    };
}
