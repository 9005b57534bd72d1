using System.Text;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Roles;

namespace Advisor.Core.Insights;

/// <summary>
/// One group of questions the knowledge could not answer well: the same role the articles lack, the same topic, the
/// same wording (off-topic or refused), or answers that got 👎 on the same section.
/// </summary>
/// <param name="Kind">"uncovered-role", "uncovered-topic", "unanswered" (off-topic or refused) or "disliked".</param>
/// <param name="Subject">What the group asked about: the role, the topic, the shared words, or the section disliked.</param>
/// <param name="Count">Questions in the group.</param>
/// <param name="Disliked">Of those, answers that got 👎.</param>
/// <param name="Examples">Two or three of its questions, as asked (distinct).</param>
/// <param name="Missing">What users wrote under "what was missing?", up to three.</param>
/// <param name="ClosestSection">The nearest section the knowledge has, as a citation label, or null.</param>
public sealed record Gap(
    string Kind,
    string Subject,
    int Count,
    int Disliked,
    IReadOnlyList<string> Examples,
    IReadOnlyList<string> Missing,
    string? ClosestSection);

/// <summary>
/// The knowledge gaps in a question log: what users asked that the articles could not answer, grouped by what they
/// asked, largest groups first — for the people who decide what to write next. The grouping is plain and explainable:
/// the role or topic the reader named when it abstained, the content words of the question otherwise (questions that
/// share most of them are one group). Nothing identifies a user: entries are read without their user hash.
/// </summary>
public static class GapReport
{
    /// <summary>The most examples shown per group.</summary>
    public const int MaxExamples = 3;

    // Two unanswered questions are one group when they share at least this share of their content words.
    private const double SameWording = 0.5;

    /// <summary>"24h", "7d", "2w" (1 to 3650 units, any case, trimmed) as a span back from now; null for anything else.
    /// The one reading of a period for <c>advisor gaps --since</c> and the platforms' <c>/gaps</c>.</summary>
    public static TimeSpan? ParseSince(string? text)
    {
        text = text?.Trim().ToLowerInvariant() ?? "";
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 3650)
        {
            return null;
        }

        return text[^1] switch
        {
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }

    /// <summary>Groups the log's gaps; at most <paramref name="max"/> groups, largest first.</summary>
    public static IReadOnlyList<Gap> Build(IEnumerable<QuestionLogEntry> entries, KnowledgeSnapshot knowledge, int max = 20)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(knowledge);
        var groups = new List<Group>();
        foreach (var entry in entries.OrderBy(e => e.At))
        {
            var disliked = entry.Feedback?.Rating == FeedbackRating.Down;
            var (kind, subject) = Classify(entry);
            if (kind is null && !disliked)
            {
                continue;
            }

            if (kind is null)
            {
                // An answer from the knowledge that got 👎: grouped by the section it rested on.
                kind = "disliked";
                subject = entry.SectionIds.Count > 0 ? entry.SectionIds[0] : "(no section)";
            }

            var words = kind == "unanswered" ? ContentWords(knowledge, entry.Question) : [];
            var group = groups.FirstOrDefault(g => g.Kind == kind && (kind == "unanswered" ? Similar(g.Words, words) : g.Subject == subject));
            if (group is null)
            {
                group = new Group(kind, subject!, words);
                groups.Add(group);
            }

            group.Add(entry, disliked);
        }

        return groups
            .OrderByDescending(g => g.Entries.Count).ThenByDescending(g => g.Disliked).ThenBy(g => g.Kind, StringComparer.Ordinal).ThenBy(g => g.Subject, StringComparer.Ordinal)
            .Take(max)
            .Select(g => g.ToGap(knowledge))
            .ToList();
    }

    /// <summary>The report as plain text: one block per group, largest first (the CLI and the chat platforms show this).</summary>
    public static string ToText(IReadOnlyList<Gap> gaps, int questions, string since)
    {
        var sb = new StringBuilder($"Knowledge gaps in the last {since} ({questions} questions in the log):");
        if (gaps.Count == 0)
        {
            return sb.Append("\nnone — every question was answered from the knowledge and none got a thumbs-down.").ToString();
        }

        foreach (var gap in gaps)
        {
            sb.Append("\n\n").Append(gap.Count).Append(gap.Count == 1 ? " question — " : " questions — ").Append(Describe(gap));
            if (gap.Disliked > 0 && gap.Kind != "disliked")
            {
                sb.Append(" (").Append(gap.Disliked).Append(" thumbs-down)");
            }

            foreach (var example in gap.Examples)
            {
                sb.Append("\n  “").Append(example).Append('”');
            }

            foreach (var missing in gap.Missing)
            {
                sb.Append("\n  missing: “").Append(missing).Append('”');
            }

            if (gap.ClosestSection is { } closest)
            {
                sb.Append("\n  closest section: ").Append(closest);
            }
        }

        return sb.ToString();
    }

    /// <summary>What a group asked about, in a few words ("a role the articles don't cover: data analyst").</summary>
    public static string Describe(Gap gap)
    {
        ArgumentNullException.ThrowIfNull(gap);
        return gap.Kind switch
        {
            "uncovered-role" => $"a role the articles don't cover: {gap.Subject}",
            "uncovered-topic" => $"a topic the articles don't cover: {gap.Subject}",
            "disliked" => $"answers that got a thumbs-down, from {gap.Subject}",
            _ => $"questions not answered, about: {gap.Subject}",
        };
    }

    private static (string? Kind, string? Subject) Classify(QuestionLogEntry entry)
    {
        var reason = entry.AbstentionReason;
        return entry.Kind switch
        {
            AnswerKind.UncoveredRole => ("uncovered-role", Singular(After(reason) ?? "a role")),
            AnswerKind.UncoveredTopic => ("uncovered-topic", After(reason) ?? "a topic"),
            AnswerKind.OffTopic => ("unanswered", null),
            _ when entry.Abstained => ("unanswered", null),
            _ => (null, null),
        };
    }

    private static string? After(string? reason) =>
        reason?.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0 ? reason[(colon + 1)..].Trim().ToLowerInvariant() : null;

    /// <summary>"data analysts" and "data analyst" are one group.</summary>
    private static string Singular(string title)
    {
        var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && JobTitles.Head(words[^1]) is { } head)
        {
            words[^1] = head;
        }

        return string.Join(' ', words);
    }

    private static HashSet<string> ContentWords(KnowledgeSnapshot knowledge, string question) =>
        knowledge.Index.Analyze(question).ToHashSet(StringComparer.Ordinal);

    private static bool Similar(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return a.Count == 0 && b.Count == 0;
        }

        var shared = a.Count(b.Contains);
        return shared / (double)Math.Min(a.Count, b.Count) >= SameWording;
    }

    private sealed class Group(string kind, string subject, HashSet<string> words)
    {
        public string Kind { get; } = kind;

        public string Subject { get; } = subject;

        public HashSet<string> Words { get; } = words;

        public List<QuestionLogEntry> Entries { get; } = [];

        public int Disliked { get; private set; }

        public void Add(QuestionLogEntry entry, bool disliked)
        {
            Entries.Add(entry);
            Disliked += disliked ? 1 : 0;
        }

        public Gap ToGap(KnowledgeSnapshot knowledge)
        {
            var examples = Entries.Select(e => e.Question.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxExamples).ToList();
            var missing = Entries.Select(e => e.Feedback?.Text).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxExamples).ToList();
            var subject = Kind switch
            {
                "unanswered" => string.Join(' ', Words.Where(w => Entries.Count(e => knowledge.Index.Analyze(e.Question).Contains(w)) * 2 > Entries.Count).Order(StringComparer.Ordinal)) is { Length: > 0 } common ? common : "(no words in common)",
                "disliked" => knowledge.Sections.FirstOrDefault(s => s.Id == Subject)?.Label ?? Subject,
                _ => Subject,
            };
            return new Gap(Kind, subject, Entries.Count, Disliked, examples, missing, Closest(knowledge, examples[0]));
        }

        /// <summary>The section the knowledge would come closest with for the group's first question (for the writer: where to add).</summary>
        private string? Closest(KnowledgeSnapshot knowledge, string question)
        {
            if (Kind == "disliked")
            {
                return knowledge.Sections.FirstOrDefault(s => s.Id == Subject)?.Label;
            }

            var retrieval = Retriever.Retrieve(knowledge, question, []);
            return retrieval.Ranked.Count > 0 ? retrieval.Ranked[0].Section.Label : null;
        }
    }
}
