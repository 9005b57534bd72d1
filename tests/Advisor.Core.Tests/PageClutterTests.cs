using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests;

/// <summary>The page-clutter rules: for pages saved as .txt only, and every drop reported with its rule.</summary>
public sealed class PageClutterTests
{
    private const string SavedPage = """
        Data Scientist vs. Data Engineer
        5 min read
        Table of contents
        Responsibilities
        Data Scientist
        - Builds models.
        Data Engineer
        - Builds pipelines.
        Featured Job 👀
        Senior Data Wrangler
        @ Example Corp | Remote
        Full Time Senior-level USD 120K - 150K
        Outlook
        Both roles are in demand.
        Related articles
        Some other article
        """;

    [Fact]
    public void A_txt_job_ad_and_other_page_clutter_are_dropped_and_each_drop_is_reported_with_its_rule()
    {
        var article = ArticleParser.Parse("roles.txt", SavedPage, "h");

        Assert.Equal(
            [
                new DroppedText(2, 2, "5 min read", "read-time line"),
                new DroppedText(3, 3, "Table of contents", "table of contents"),
                new DroppedText(9, 12, "Featured Job 👀 · Senior Data Wrangler · @ Example Corp | Remote · Full Time Senior-level USD 120K - 150K", "job ad"),
                new DroppedText(15, 16, "Related articles · Some other article", "page footer"),
            ],
            article.Dropped);
        var text = string.Join('\n', article.Sections.Select(s => s.Text));
        Assert.DoesNotContain("Wrangler", text, StringComparison.Ordinal);
        Assert.DoesNotContain("USD", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Some other article", text, StringComparison.Ordinal);
        Assert.Equal(["Both roles are in demand."], article.Sections.Single(s => s.Topic == "Outlook").Units);
    }

    [Fact]
    public void Drops_are_reported_at_the_file_line_numbers_front_matter_included()
    {
        var article = ArticleParser.Parse("roles.txt", "---\nsource: https://example.org/x\n---\n" + SavedPage, "h");
        Assert.Equal([5, 6, 12, 18], article.Dropped.Select(d => d.Line));
        Assert.Equal("lines 12–15", article.Dropped[2].Lines);
        Assert.Equal("line 5", article.Dropped[0].Lines);
    }

    [Fact]
    public void A_job_ad_without_a_marker_is_its_title_company_and_terms_lines_and_a_date_line_is_dropped()
    {
        const string page = """
            Data Scientist vs. Data Engineer
            Published Oct. 30, 2024
            Skills
            Both roles need SQL.
            Data Wrangler
            @ Example Corp | Remote
            Full Time Mid-level USD 100K - 130K
            """;
        var article = ArticleParser.Parse("roles.txt", page, "h");
        Assert.Equal(
            [
                new DroppedText(2, 2, "Published Oct. 30, 2024", "date line"),
                new DroppedText(5, 7, "Data Wrangler · @ Example Corp | Remote · Full Time Mid-level USD 100K - 130K", "job ad"),
            ],
            article.Dropped);
        Assert.Equal(["Both roles need SQL."], Assert.Single(article.Sections).Units);
    }

    [Fact]
    public void Long_dropped_text_is_shortened_for_display()
    {
        var page = "Data Scientist vs. Data Engineer\nSkills\nBoth need SQL.\nRelated articles\n" + string.Join('\n', Enumerable.Range(1, 40).Select(i => $"Another article number {i}"));
        var footer = ArticleParser.Parse("roles.txt", page, "h").Dropped.Single();
        Assert.Equal((4, 44, "page footer"), (footer.Line, footer.EndLine, footer.Reason));
        Assert.True(footer.Text.Length <= 160, footer.Text);
        Assert.EndsWith("…", footer.Text, StringComparison.Ordinal);
        Assert.StartsWith("Related articles · Another article number 1 ·", footer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_is_never_filtered_a_salary_section_with_money_amounts_is_kept()
    {
        const string md = """
            # Data Scientist vs. Data Engineer

            ## Salary

            Pay for both roles is mostly between USD 110K and 160K a year.

            ## Further reading

            Related articles on the team wiki cover the interview process.

            Table of contents
            """;
        var article = ArticleParser.Parse("roles.md", md, "h");
        Assert.Empty(article.Dropped);
        Assert.Equal(["Pay for both roles is mostly between USD 110K and 160K a year."], article.Sections.Single(s => s.Topic == "Salary").Units);
        Assert.Equal(
            ["Related articles on the team wiki cover the interview process.", "Table of contents"],
            article.Sections.Single(s => s.Topic == "Further reading").Units);
    }

    [Fact]
    public void The_markdown_test_article_keeps_its_salary_section()
    {
        var article = ArticleParser.Parse("prompt-engineer.md", File.ReadAllText(TestKnowledge.PromptEngineerArticle), "h");
        Assert.Empty(article.Dropped);
        var salary = article.Sections.Single(s => s.Topic == "Salary");
        Assert.Contains("USD 110K and 160K", salary.Units[0], StringComparison.Ordinal);
        Assert.Equal(3, salary.Units.Count);
    }

    [Fact]
    public void The_shipped_pages_report_their_job_ads_salary_links_and_footer()
    {
        var architect = TestKnowledge.Snapshot.Articles.Single(a => a.File == "ai-architect-vs-ml-research-engineer.txt");
        Assert.Equal(5, architect.Dropped.Count(d => d.Reason == "job ad"));
        Assert.Contains(architect.Dropped, d => d is { Line: 127, EndLine: 132, Reason: "job ad" } && d.Text.StartsWith("Featured Job", StringComparison.Ordinal));
        Assert.Contains(architect.Dropped, d => d is { Line: 5, Reason: "read-time line" });
        Assert.Equal([3, 6], architect.Dropped.Where(d => d.Reason == "repeated title").Select(d => d.Line));
        Assert.Equal(architect.Dropped.OrderBy(d => d.Line).ToList(), architect.Dropped); // in file order
        Assert.Equal(4, architect.Dropped.Count(d => d.Reason == "salary link"));
        Assert.Equal("page footer", architect.Dropped[^1].Reason);

        var research = TestKnowledge.Snapshot.Articles.Single(a => a.File == "ai-research-vs-ai-engineering.txt");
        Assert.Empty(research.Dropped);
    }

    [Fact]
    public void A_txt_file_of_nothing_but_clutter_fails_to_load_saying_so()
    {
        var ex = Assert.Throws<FormatException>(() => ArticleParser.Parse("ads.txt", "Featured Job\nData Wrangler\n@ Example Corp | Remote\nFull Time USD 90K - 100K\n", "h"));
        Assert.Contains("besides page clutter (job ad)", ex.Message, StringComparison.Ordinal);
    }
}
