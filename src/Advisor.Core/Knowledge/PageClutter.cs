using System.Text.RegularExpressions;

namespace Advisor.Core.Knowledge;

/// <summary>
/// Drops what a web page adds around an article and is not knowledge: tables of contents, read-time and
/// date lines, "Featured Job" blocks and job ads, salary links, and everything from "Related articles" on.
/// </summary>
internal static partial class PageClutter
{
    public static List<string> Filter(IReadOnlyList<string> lines)
    {
        var kept = new List<string>(lines.Count);
        var inJobBlock = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (RelatedArticles().IsMatch(line))
            {
                break; // page footer: link lists follow
            }

            if (FeaturedJob().IsMatch(line))
            {
                inJobBlock = true;
                continue;
            }

            if (inJobBlock)
            {
                // A featured-job block is a title, "@ company | place" and an employment/salary line.
                if (EmploymentLine().IsMatch(line))
                {
                    inJobBlock = false;
                }

                continue;
            }

            if (CompanyLine().IsMatch(line))
            {
                // A job ad without the "Featured Job" marker: its title is the line before.
                if (kept.Count > 0 && LineShapes.IsHeadingLike(kept[^1]))
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                continue;
            }

            if (EmploymentLine().IsMatch(line) || TableOfContents().IsMatch(line) || ReadTime().IsMatch(line)
                || DateLine().IsMatch(line) || SalaryLine().IsMatch(line))
            {
                continue;
            }

            kept.Add(line);
        }

        return kept;
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
