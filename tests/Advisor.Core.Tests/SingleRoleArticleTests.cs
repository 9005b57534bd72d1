using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Core.Tests;

/// <summary>Articles about one role: by a short job-title title, or by front matter <c>role:</c>.</summary>
public sealed class SingleRoleArticleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Article PromptEngineer() =>
        ArticleParser.Parse("prompt-engineer.md", File.ReadAllText(TestKnowledge.PromptEngineerArticle), "h");

    /// <summary>The shipped articles with the Markdown test article beside them.</summary>
    private KnowledgeSnapshot WithPromptEngineer()
    {
        _folder.CopyRepositoryKnowledge();
        _folder.CopyFile(TestKnowledge.PromptEngineerArticle);
        return KnowledgeSnapshot.Load(_folder.Path);
    }

    [Fact]
    public void A_short_job_title_makes_every_section_about_that_role()
    {
        var article = PromptEngineer();
        Assert.Equal(["Prompt Engineer"], article.Roles);
        Assert.Equal(
            [
                "prompt-engineer.md#overview/prompt-engineer", "prompt-engineer.md#responsibilities/prompt-engineer",
                "prompt-engineer.md#skills/prompt-engineer", "prompt-engineer.md#education/prompt-engineer",
                "prompt-engineer.md#tools/prompt-engineer", "prompt-engineer.md#salary/prompt-engineer",
                "prompt-engineer.md#outlook/prompt-engineer",
            ],
            article.Sections.Select(s => s.Id));
        Assert.All(article.Sections, s => Assert.Equal("Prompt Engineer", s.Role));
        Assert.Equal("Prompt Engineer › Skills › Prompt Engineer", article.Sections.Single(s => s.Topic == "Skills").Label);
        Assert.Contains("prompt designer", article.RoleAliases["Prompt Engineer"]);
    }

    [Fact]
    public void Front_matter_role_makes_a_single_role_article_whatever_its_title_intro_included()
    {
        const string md = """
            ---
            role: Data Analyst
            ---
            # Working with numbers

            Most of the day goes into cleaning data.

            ## Skills
            - SQL and spreadsheets.

            ## Outlook
            Demand keeps growing.
            """;
        var article = ArticleParser.Parse("numbers.md", md, "h");
        Assert.Equal("Working with numbers", article.Title);
        Assert.Equal(["Data Analyst"], article.Roles);
        Assert.Equal(["numbers.md#introduction/data-analyst", "numbers.md#skills/data-analyst", "numbers.md#outlook/data-analyst"], article.Sections.Select(s => s.Id));
    }

    [Fact]
    public void A_txt_file_with_front_matter_role_is_a_single_role_article_too()
    {
        const string txt = """
            ---
            role: Data Analyst
            ---
            Working with numbers
            Skills
            - SQL and spreadsheets.
            Outlook
            Demand keeps growing.
            """;
        var article = ArticleParser.Parse("numbers.txt", txt, "h");
        Assert.Equal(["numbers.txt#skills/data-analyst", "numbers.txt#outlook/data-analyst"], article.Sections.Select(s => s.Id));
    }

    [Fact]
    public void A_txt_page_without_front_matter_keeps_its_guessed_title_out_of_the_roles()
    {
        const string page = "Data Analyst\nSkills\n- SQL and spreadsheets.\nOutlook\nDemand keeps growing.\n";
        var plain = ArticleParser.Parse("page.txt", page, "h");
        Assert.Empty(plain.Roles);
        Assert.All(plain.Sections, s => Assert.Null(s.Role));

        var withFront = ArticleParser.Parse("page.txt", "---\nsource: https://example.org\n---\n" + page, "h");
        Assert.Equal(["Data Analyst"], withFront.Roles);
    }

    [Fact]
    public void A_title_without_a_job_title_head_is_not_a_role()
    {
        const string md = """
            # Notes on careers

            Careers change.

            ## Skills
            - Writing helps everywhere.
            """;
        var article = ArticleParser.Parse("notes.md", md, "h");
        Assert.Empty(article.Roles);
        Assert.Equal(["notes.md#introduction", "notes.md#skills"], article.Sections.Select(s => s.Id));
        Assert.All(article.Sections, s => Assert.Null(s.Role));
    }

    [Theory]
    [InlineData("Prompt Engineers", "Prompt Engineer")]
    [InlineData("Becoming a Data Analyst", "Data Analyst")]
    [InlineData("Data Analyst: A Career Guide for People Who Like Numbers", "Data Analyst")]
    [InlineData("nurse", "Nurse")]
    [InlineData("AI Product Managers", "AI Product Manager")]
    [InlineData("Notes on careers", null)]
    [InlineData("Lead", null)]
    [InlineData("How to Become a Great Machine Learning Engineer", null)] // more than five words
    [InlineData("Data Scientist and Data Engineer", null)] // two roles, not one
    public void Which_titles_name_one_role(string title, string? role)
    {
        var article = ArticleParser.Parse("a.md", $"# {title}\n\n## Skills\n- Some skill.\n", "h");
        Assert.Equal(role is null ? Array.Empty<string>() : [role], article.Roles);
        Assert.Equal(role, article.Sections.Single().Role);
    }

    [Fact]
    public void A_job_title_article_with_role_subsections_is_about_those_roles()
    {
        const string md = """
            # Data Engineer

            ## Skills
            ### Data Engineer
            - Spark.
            ### Analytics Engineer
            - dbt.
            """;
        var article = ArticleParser.Parse("a.md", md, "h");
        Assert.Equal(["Data Engineer", "Analytics Engineer"], article.Roles);
        Assert.Equal(["a.md#skills/data-engineer", "a.md#skills/analytics-engineer"], article.Sections.Select(s => s.Id));
    }

    [Theory]
    [InlineData("role:", "# Notes", "line 2: 'role' needs the name of the role")]
    [InlineData("role: Data Analyst, Data Engineer", "# Notes", "line 2: 'role' names one role")]
    [InlineData("role: Data Analyst\nrole: Data Engineer", "# Notes", "line 3 gives 'role' a second time")]
    [InlineData("role: Data Analyst", "# Data Analyst vs. Data Engineer", "about several roles (Data Engineer)")]
    public void A_bad_front_matter_role_fails_the_file_with_a_clear_reason(string front, string title, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => ArticleParser.Parse("a.md", $"---\n{front}\n---\n{title}\n\n## Skills\n- Some skill.\n", "h"));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_catalog_knows_the_single_role_and_its_front_matter_aliases()
    {
        var catalog = WithPromptEngineer().Catalog;
        Assert.Equal("Prompt Engineer", catalog.Roles[^1].Name);
        Assert.Equal(["Prompt Engineer"], catalog.Roles[^1].Articles);
        Assert.Equal(7, catalog.Roles[^1].SectionCount);
        Assert.Equal("Prompt Engineer", catalog.Resolve("prompt designer")?.Name);
        Assert.Equal("Prompt Engineer", catalog.Resolve("Prompt Engineers")?.Name);
        Assert.Equal("AI Architect", catalog.Resolve("AI architekt")?.Name); // the others still resolve
        var mention = Assert.Single(catalog.FindMentions(TextTools.Words("what does a prompt designer do all day")));
        Assert.Equal("Prompt Engineer", mention.Role.Name);
    }

    [Fact]
    public void The_single_role_compares_with_a_role_of_another_article()
    {
        var outcome = RoleComparer.Compare(WithPromptEngineer(), "prompt designer", "AI Scientist");
        Assert.True(outcome.Succeeded, outcome.Error);
        var c = outcome.Comparison!;
        Assert.Equal(("Prompt Engineer", "AI Scientist"), (c.RoleA, c.RoleB));
        var skills = c.Rows.Single(r => r.Aspect == "skills");
        Assert.Equal(("prompt-engineer.md", "Prompt Engineer"), (skills.A!.Citation.File, skills.A.Citation.Role));
        Assert.Equal(("ai-scientist-vs-ml-research-engineer.txt", "AI Scientist"), (skills.B!.Citation.File, skills.B.Citation.Role));
        Assert.StartsWith("Clear, precise writing", skills.A.Points[0], StringComparison.Ordinal);
        Assert.Equal(["Prompt Engineer", "AI Scientist vs. Machine Learning Research Engineer"], c.Articles);
    }

    [Fact]
    public async Task A_question_naming_the_role_by_its_alias_is_answered_from_the_article()
    {
        WithPromptEngineer();
        using var services = TestKnowledge.Services(_folder.Path);
        var advisor = services.GetRequiredService<IAdvisor>();
        var answer = await advisor.AskAsync(new AdvisorQuestion("What skills does a prompt designer need?", [], "test"));
        Assert.False(answer.Abstained);
        Assert.Equal("prompt-engineer.md#skills/prompt-engineer", answer.Citations[0].SectionId);
    }
}
