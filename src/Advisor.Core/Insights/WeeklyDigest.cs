using System.Globalization;
using System.Text;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;

namespace Advisor.Core.Insights;

/// <summary>
/// The weekly digest for the people who keep the knowledge, composed once in the core and only drawn by each platform:
/// the week's question, answer and refusal counts, its 👍/👎, its largest knowledge gaps (<see cref="GapReport"/>) and
/// the link to the whole gap report on the web app's Insights page. Nothing identifies a user.
/// </summary>
public sealed record WeeklyDigest
{
    /// <summary>The query of the Insights page the link opens (the last seven days, scrolled to the gap report).</summary>
    public const string InsightsPath = "insights?days=7#gaps";

    /// <summary>A stable id of this digest ("2026-W21" for the scheduled one): the platforms' dedupe keys use it.</summary>
    public required string Id { get; init; }

    /// <summary>The ISO week it is for ("2026-W21").</summary>
    public required string Week { get; init; }

    /// <summary>The start of the period read (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The end of the period read (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Questions, answers, refusals and feedback of the period.</summary>
    public required QuestionCounts Counts { get; init; }

    /// <summary>The largest gap groups, largest first.</summary>
    public required IReadOnlyList<Gap> TopGaps { get; init; }

    /// <summary>Gap groups in all (the top ones included).</summary>
    public int GapGroups { get; init; }

    /// <summary>The gap report on the web app's Insights page, or null when <c>Advisor:Digest:WebUrl</c> is not set.</summary>
    public Uri? GapReportLink { get; init; }

    /// <summary>True when the question log had more entries than were read (the counts are of the newest ones).</summary>
    public bool Truncated { get; init; }

    /// <summary>The heading: "Advisor weekly digest: 11–18 May 2026".</summary>
    public string Title => $"Advisor weekly digest: {Period}";

    /// <summary>The period in words ("11 May 2026 09:00 – 18 May 2026 09:00 UTC").</summary>
    public string Period => string.Create(CultureInfo.InvariantCulture, $"{From:d MMM yyyy HH:mm} – {To:d MMM yyyy HH:mm} UTC");

    /// <summary>What the digest says when it has no gap to list.</summary>
    public string NoGaps => Counts.Questions == 0
        ? "none — there were no questions in this period."
        : "none — every question was answered from the knowledge and none got a thumbs-down.";

    /// <summary>What to do when there is no link: the command that prints the same report.</summary>
    public const string NoLinkHint = "advisor gaps --since 7d prints the whole gap report (set Advisor:Digest:WebUrl to link the web page here)";

    /// <summary>Composes the digest of <paramref name="entries"/> (those at or after <paramref name="from"/> and before <paramref name="to"/> count).</summary>
    public static WeeklyDigest Compose(
        string id,
        string week,
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyCollection<QuestionLogEntry> entries,
        KnowledgeSnapshot knowledge,
        int topGaps,
        Uri? webUrl,
        bool truncated)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(knowledge);
        ArgumentOutOfRangeException.ThrowIfLessThan(topGaps, 1);
        var inPeriod = entries.Where(e => e.At >= from && e.At < to).ToList();
        var gaps = GapReport.Build(inPeriod, knowledge, int.MaxValue);
        return new WeeklyDigest
        {
            Id = id,
            Week = week,
            From = from,
            To = to,
            Counts = QuestionCounts.Of(inPeriod),
            TopGaps = gaps.Take(topGaps).ToList(),
            GapGroups = gaps.Count,
            GapReportLink = webUrl is null ? null : LinkTo(webUrl),
            Truncated = truncated,
        };
    }

    /// <summary>The Insights page's gap report under a web app's base URL (a base with a path keeps it).</summary>
    public static Uri LinkTo(Uri webUrl)
    {
        ArgumentNullException.ThrowIfNull(webUrl);
        var root = webUrl.AbsoluteUri.EndsWith('/') ? webUrl : new Uri(webUrl.AbsoluteUri + "/");
        return new Uri(root, InsightsPath);
    }

    /// <summary>The digest as plain text (the command line, and the platforms' notification text).</summary>
    public string ToText()
    {
        var c = Counts;
        var sb = new StringBuilder(Title).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Questions: {c.Questions} · answered from the knowledge: {c.Answered} · refused: {c.Refused} · 👍 {c.ThumbsUp} · 👎 {c.ThumbsDown}");
        if (Truncated)
        {
            sb.Append("\n(the question log had more entries than were read; the counts are of the newest)");
        }

        sb.Append("\n\n");
        if (TopGaps.Count == 0)
        {
            sb.Append("Knowledge gaps: ").Append(NoGaps);
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"Top knowledge gaps ({TopGaps.Count} of {GapGroups} {(GapGroups == 1 ? "group" : "groups")}):");
            var n = 0;
            foreach (var gap in TopGaps)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n{++n}. {GapLine(gap)}");
                foreach (var example in gap.Examples)
                {
                    sb.Append("\n   “").Append(example).Append('”');
                }

                if (gap.ClosestSection is { } closest)
                {
                    sb.Append("\n   closest section: ").Append(closest);
                }
            }
        }

        sb.Append("\n\nGap report: ").Append(GapReportLink?.AbsoluteUri ?? NoLinkHint);
        return sb.ToString();
    }

    /// <summary>One gap in a line: "4 questions — a role the articles don't cover: data analyst (1 thumbs-down)".</summary>
    public static string GapLine(Gap gap)
    {
        ArgumentNullException.ThrowIfNull(gap);
        var line = string.Create(CultureInfo.InvariantCulture, $"{gap.Count} {(gap.Count == 1 ? "question" : "questions")} — {GapReport.Describe(gap)}");
        return gap.Disliked > 0 && gap.Kind != "disliked" ? string.Create(CultureInfo.InvariantCulture, $"{line} ({gap.Disliked} thumbs-down)") : line;
    }
}
