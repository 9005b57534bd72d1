using System.Globalization;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Insights;
using Advisor.Core.Knowledge;

namespace Advisor.Host.Web;

/// <summary>
/// The Insights page's figures over the question log: per UTC day, the questions asked, the shares answered from the
/// knowledge, refused (the knowledge did not cover them) and answered with 👎, and the median latency; the same over
/// the whole period; and the gap report. Nothing identifies a user: no hash, no conversation, only counts and the
/// gap report's example questions.
/// </summary>
internal sealed record InsightsJson(
    DateTimeOffset Since,
    int Days,
    int Entries,
    bool Truncated,
    DayFigures Total,
    IReadOnlyList<DayFigures> PerDay,
    IReadOnlyList<Gap> Gaps)
{
    /// <summary>The most log entries read for one page (newest first); the page says when there were more.</summary>
    public const int MaxEntries = 100_000;

    public static InsightsJson From(IReadOnlyList<QuestionLogEntry> entries, KnowledgeSnapshot knowledge, DateTimeOffset now, int days, int maxGaps)
    {
        var since = now.UtcDateTime.Date.AddDays(-(days - 1));
        var byDay = entries.GroupBy(e => e.At.UtcDateTime.Date).ToDictionary(g => g.Key, g => g.ToList());
        var perDay = new List<DayFigures>(days);
        for (var day = since; day <= now.UtcDateTime.Date; day = day.AddDays(1))
        {
            perDay.Add(DayFigures.Of(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), byDay.TryGetValue(day, out var list) ? list : []));
        }

        return new InsightsJson(
            new DateTimeOffset(since, TimeSpan.Zero),
            days,
            entries.Count,
            entries.Count >= MaxEntries,
            DayFigures.Of("total", entries),
            perDay,
            GapReport.Build(entries, knowledge, maxGaps));
    }
}

/// <summary>
/// One day's figures (or the period's, as "total"). <c>AnswerRate</c>: share of questions answered from the knowledge
/// (an answer, comparison or profile that did not abstain); <c>RefusalRate</c>: share the knowledge did not cover
/// (off-topic, a role or topic the articles lack); <c>DislikeRate</c>: share of answered questions rated 👎. Rates are
/// 0–1, null on a day without questions (or without answers, for the 👎 rate).
/// </summary>
internal sealed record DayFigures(
    string Day,
    int Questions,
    int Answered,
    int Refused,
    int Disliked,
    int Liked,
    double? AnswerRate,
    double? RefusalRate,
    double? DislikeRate,
    double? MedianLatencyMs)
{
    public static DayFigures Of(string day, IReadOnlyCollection<QuestionLogEntry> entries)
    {
        int answered = 0, refused = 0, disliked = 0, liked = 0;
        var latencies = new List<double>(entries.Count);
        foreach (var e in entries)
        {
            var isAnswer = !e.Abstained && e.Kind is AnswerKind.Answer or AnswerKind.Comparison or AnswerKind.Profile;
            answered += isAnswer ? 1 : 0;
            refused += e.Abstained ? 1 : 0;
            disliked += isAnswer && e.Feedback?.Rating == FeedbackRating.Down ? 1 : 0;
            liked += e.Feedback?.Rating == FeedbackRating.Up ? 1 : 0;
            latencies.Add(e.Latency.TotalMilliseconds);
        }

        var n = entries.Count;
        return new DayFigures(
            day,
            n,
            answered,
            refused,
            disliked,
            liked,
            n == 0 ? null : Math.Round((double)answered / n, 4),
            n == 0 ? null : Math.Round((double)refused / n, 4),
            answered == 0 ? null : Math.Round((double)disliked / answered, 4),
            Median(latencies));
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var mid = values.Count / 2;
        var median = values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
        return Math.Round(median, 2);
    }
}
