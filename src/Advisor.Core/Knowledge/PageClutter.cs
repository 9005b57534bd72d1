using System.Text.RegularExpressions;

namespace Advisor.Core.Knowledge;

/// <summary>
/// Drops what a web page adds around an article and is not knowledge: tables of contents, read-time and
/// date lines, "Featured Job" blocks and job ads, salary links, and everything from "Related articles" on.
/// For pages saved as plain text only: a Markdown file is its author's own structure and is never filtered.
/// Every drop is recorded with the rule that made it, so nothing leaves an article silently.
/// </summary>
internal static partial class PageClutter
{
    public const string JobAd = "job ad";
    public const string TableOfContentsLine = "table of contents";
    public const string ReadTimeLine = "read-time line";
    public const string DateLineReason = "date line";
    public const string SalaryLink = "salary link";
    public const string PageFooter = "page footer";

    /// <summary>A title line repeated under the title (the article reader skips those; reported with the clutter).</summary>
    public const string RepeatedTitle = "repeated title";

    private const int MaxDisplayLength = 160;

    /// <summary>The lines an article keeps (with their file line numbers), and what was dropped and why.</summary>
    public sealed record Result(List<string> Kept, List<int> KeptLines, List<DroppedText> Dropped);

    /// <summary>
    /// Filters the lines of a plain-text file. <paramref name="firstLineNumber"/> is the file line number of
    /// <c>lines[0]</c> (after front matter), so drops are reported where the author sees them.
    /// </summary>
    public static Result Filter(IReadOnlyList<string> lines, int firstLineNumber = 1)
    {
        var kept = new List<(string Text, int Line)>(lines.Count);
        var dropped = new List<Drop>();
        Drop? jobBlock = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            var number = firstLineNumber + i;
            if (line.Length == 0)
            {
                continue;
            }

            if (RelatedArticles().IsMatch(line))
            {
                // Page footer: link lists follow, to the end of the file.
                var footer = new Drop(PageFooter, number, line);
                for (var j = i + 1; j < lines.Count; j++)
                {
                    if (lines[j].Trim() is { Length: > 0 } rest)
                    {
                        footer.Add(firstLineNumber + j, rest);
                    }
                }

                dropped.Add(footer);
                break;
            }

            if (FeaturedJob().IsMatch(line))
            {
                jobBlock = new Drop(JobAd, number, line);
                dropped.Add(jobBlock);
                continue;
            }

            if (jobBlock is not null)
            {
                // A featured-job block is a title, "@ company | place" and an employment/salary line.
                jobBlock.Add(number, line);
                if (EmploymentLine().IsMatch(line))
                {
                    jobBlock = null;
                }

                continue;
            }

            if (CompanyLine().IsMatch(line))
            {
                // A job ad without the "Featured Job" marker: its title is the line before.
                Drop ad;
                if (kept.Count > 0 && LineShapes.IsHeadingLike(kept[^1].Text))
                {
                    ad = new Drop(JobAd, kept[^1].Line, kept[^1].Text);
                    ad.Add(number, line);
                    kept.RemoveAt(kept.Count - 1);
                }
                else
                {
                    ad = new Drop(JobAd, number, line);
                }

                dropped.Add(ad);
                continue;
            }

            if (Reason(line) is { } reason)
            {
                // The employment line right after a job ad's "@ company" line is that ad's last line.
                if (reason == JobAd && dropped.Count > 0 && dropped[^1] is { Reason: JobAd } previous && previous.EndLine == LastNonEmptyBefore(lines, i, firstLineNumber))
                {
                    previous.Add(number, line);
                }
                else
                {
                    dropped.Add(new Drop(reason, number, line));
                }

                continue;
            }

            kept.Add((line, number));
        }

        return new Result(kept.Select(k => k.Text).ToList(), kept.Select(k => k.Line).ToList(), dropped.OrderBy(d => d.Line).Select(d => d.ToDroppedText()).ToList());
    }

    /// <summary>The rule a single line falls under, or null when it is kept.</summary>
    private static string? Reason(string line) =>
        EmploymentLine().IsMatch(line) ? JobAd
        : TableOfContents().IsMatch(line) ? TableOfContentsLine
        : ReadTime().IsMatch(line) ? ReadTimeLine
        : DateLine().IsMatch(line) ? DateLineReason
        : SalaryLine().IsMatch(line) ? SalaryLink
        : null;

    private static int LastNonEmptyBefore(IReadOnlyList<string> lines, int index, int firstLineNumber)
    {
        for (var j = index - 1; j >= 0; j--)
        {
            if (lines[j].Trim().Length > 0)
            {
                return firstLineNumber + j;
            }
        }

        return -1;
    }

    /// <summary>Shortens a text for display, at a word boundary when there is one near the end.</summary>
    public static string Shorten(string text, int max = MaxDisplayLength)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', max - 1);
        return (cut > max / 2 ? text[..cut] : text[..(max - 1)]).TrimEnd(' ', '·') + "…";
    }

    private sealed class Drop(string reason, int line, string text)
    {
        private readonly List<string> _texts = [text];

        public string Reason { get; } = reason;

        public int Line { get; } = line;

        public int EndLine { get; private set; } = line;

        public void Add(int line, string text)
        {
            _texts.Add(text);
            EndLine = line;
        }

        public DroppedText ToDroppedText() => new(Line, EndLine, Shorten(string.Join(" · ", _texts)), Reason);
    }

    [GeneratedRegex(@"^related\s+(articles|posts|reading)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RelatedArticles();

    [GeneratedRegex(@"^featured\s+jobs?\b", RegexOptions.IgnoreCase)]
    private static partial Regex FeaturedJob();

    [GeneratedRegex(@"^@\s*\S.*")]
    private static partial Regex CompanyLine();

    [GeneratedRegex(@"^(full[- ]time|part[- ]time|contract|freelance|internship|temporary)\b|\b(USD|EUR|GBP|CAD|AUD)\s*\d+(\.\d+)?K\b", RegexOptions.IgnoreCase)]
    private static partial Regex EmploymentLine();

    [GeneratedRegex(@"^(table of contents|contents|on this page)$", RegexOptions.IgnoreCase)]
    private static partial Regex TableOfContents();

    [GeneratedRegex(@"^\d+\s*(min|mins|minute|minutes)\.?\s+read\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReadTime();

    [GeneratedRegex(@"^((published|updated|posted)( on)?:?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}$", RegexOptions.IgnoreCase)]
    private static partial Regex DateLine();

    [GeneratedRegex(@"^(salary insights|view salary info\b.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex SalaryLine();
}
