using System.Globalization;
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
        var counts = QuestionCounts.Of(entries);
        var latencies = entries.Select(e => e.Latency.TotalMilliseconds).ToList();
        var n = counts.Questions;
        return new DayFigures(
            day,
            n,
            counts.Answered,
            counts.Refused,
            counts.DislikedAnswers,
            counts.ThumbsUp,
            n == 0 ? null : Math.Round((double)counts.Answered / n, 4),
            n == 0 ? null : Math.Round((double)counts.Refused / n, 4),
            counts.Answered == 0 ? null : Math.Round((double)counts.DislikedAnswers / counts.Answered, 4),
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
