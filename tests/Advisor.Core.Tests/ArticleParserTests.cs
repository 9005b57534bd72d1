using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests;

public sealed class ArticleParserTests
{
    private static Article Seed(string file) => TestKnowledge.Snapshot.Articles.Single(a => a.File == file);

    [Fact]
    public void Article_without_a_title_line_gets_one_derived_from_its_introduction()
    {
        var article = Seed("ai-research-vs-ai-engineering.txt");
        Assert.Equal("AI Research vs. AI Engineering", article.Title);
        Assert.Equal(["AI Research", "AI Engineering"], article.Roles);
    }

    [Fact]
    public void Numbered_topics_split_their_paragraphs_by_the_role_each_paragraph_is_about()
    {
        var article = Seed("ai-research-vs-ai-engineering.txt");
        var research = article.Sections.Single(s => s.Topic == "3. Skill Sets" && s.Role == "AI Research");
        var engineering = article.Sections.Single(s => s.Topic == "3. Skill Sets" && s.Role == "AI Engineering");
        Assert.StartsWith("AI Researchers typically possess", research.Units[0], StringComparison.Ordinal);
        Assert.StartsWith("AI Engineers require strong software engineering skills", engineering.Units[0], StringComparison.Ordinal);
        Assert.Equal("skills", research.Aspect);

        // The summary names both roles, so it belongs to neither.
        Assert.Null(article.Sections.Single(s => s.Topic == "Summary").Role);
    }

    [Fact]
    public void Role_subsections_under_topics_become_role_sections_with_bullet_items()
    {
        var article = Seed("ai-architect-vs-ml-research-engineer.txt");
        var education = article.Sections.Single(s => s.Id == "ai-architect-vs-ml-research-engineer.txt#educational-backgrounds/ai-architect");
        Assert.Equal("AI Architect vs. Machine Learning Research Engineer › Educational Backgrounds › AI Architect", education.Label);
        Assert.True(education.IsList);
        Assert.Equal(3, education.Units.Count);
        Assert.StartsWith("Bachelor’s or Master’s degree in Computer Science", education.Units[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Role_definitions_written_as_name_colon_text_become_definition_sections()
    {
        var article = Seed("ai-architect-vs-ml-research-engineer.txt");
        var definition = article.Sections.Single(s => s.Topic == "Definitions" && s.Role == "AI Architect");
        Assert.StartsWith("An AI Architect is responsible for designing", definition.Units[0], StringComparison.Ordinal);
        Assert.Equal("definition", definition.Aspect);
    }

    [Fact]
    public void Page_clutter_is_not_knowledge()
    {
        var text = string.Join('\n', TestKnowledge.Snapshot.Sections.Select(s => s.Text));
        foreach (var clutter in new[] { "Featured Job", "murmuration", "USD 100K", "View salary info", "Salary Insights", "Table of contents", "min read", "Oct. 30, 2024", "Related articles", "Senior Data Scientist", "Data Engineer\n" })
        {
            Assert.DoesNotContain(clutter, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(TestKnowledge.Snapshot.Sections, s => s.Topic.Contains("Comprehensive Comparison", StringComparison.Ordinal));
    }

    [Fact]
    public void Tips_after_lone_bullet_markers_are_items_and_the_closing_paragraph_is_a_conclusion()
    {
        var article = Seed("ai-scientist-vs-ml-research-engineer.txt");
        var tips = article.Sections.Single(s => s.Topic == "Practical Tips for Getting Started");
        Assert.True(tips.IsList);
        Assert.Equal(6, tips.Units.Count);
        Assert.StartsWith("Build a Strong Foundation:", tips.Units[0], StringComparison.Ordinal);
        var conclusion = article.Sections.Single(s => s.Topic == "Conclusion");
        Assert.StartsWith("In conclusion, both AI Scientists", conclusion.Units[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Misdecoded_apostrophe_reads_as_an_apostrophe()
    {
        var article = Seed("ai-scientist-vs-ml-research-engineer.txt");
        var education = article.Sections.Single(s => s.Topic == "Educational Backgrounds" && s.Role == "Machine Learning Research Engineer");
        Assert.Contains("master’s degree", education.Units[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Section_ids_are_unique_and_stable_across_loads()
    {
        var first = KnowledgeSnapshot.Load(TestKnowledge.Folder);
        var second = KnowledgeSnapshot.Load(TestKnowledge.Folder);
        Assert.Equal(first.Sections.Select(s => s.Id), second.Sections.Select(s => s.Id));
        Assert.Equal(first.Sections.Count, first.Sections.Select(s => s.Id).Distinct().Count());
        Assert.Equal(first.Version, second.Version);
    }

    [Fact]
    public void Markdown_with_front_matter_headings_and_aliases_is_parsed()
    {
        const string md = """
            ---
            title: Data Scientist vs. Data Engineer
            source: https://example.org/data-roles
            aliases:
              Data Engineer: pipeline engineer, de
            ---
            # Data Scientist vs. Data Engineer

            Both roles work with data, in different ways.

            ## Responsibilities

            ### Data Scientist
            - Builds statistical models.
            - Explains findings to **stakeholders**.

            ### Data Engineer
            * Builds [pipelines](https://example.org).

            ## Tools
            **Data Engineer:** Uses Spark and Airflow daily.
            """;
        var article = ArticleParser.Parse("roles/data.md", md, "hash");
        Assert.Equal("Data Scientist vs. Data Engineer", article.Title);
        Assert.Equal("https://example.org/data-roles", article.SourceUrl);
        Assert.Equal(["Data Scientist", "Data Engineer"], article.Roles);
        var scientist = article.Sections.Single(s => s.Topic == "Responsibilities" && s.Role == "Data Scientist");
        Assert.Equal(["Builds statistical models.", "Explains findings to stakeholders."], scientist.Units);
        Assert.Equal("roles/data.md#responsibilities/data-engineer", article.Sections.Single(s => s.Topic == "Responsibilities" && s.Role == "Data Engineer").Id);
        Assert.Equal(["Builds pipelines."], article.Sections.Single(s => s.Topic == "Responsibilities" && s.Role == "Data Engineer").Units);
        Assert.Equal("Uses Spark and Airflow daily.", article.Sections.Single(s => s.Topic == "Tools").Units[0]);
        Assert.Equal(["pipeline engineer", "de"], article.RoleAliases["Data Engineer"]);
    }

    [Fact]
    public void Unclosed_front_matter_is_a_parse_error_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => ArticleParser.Parse("x.md", "---\ntitle: x\n\n# X\ntext.", "h"));
        Assert.Contains("never closed", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dr. Smith works at U.S. labs. She likes Ph.D. students (e.g. Anna). Done!", 3)]
    [InlineData("One sentence without end", 1)]
    [InlineData("First. Second? Third!", 3)]
    public void Sentences_split_at_sentence_ends_but_not_at_abbreviations(string text, int expected) =>
        Assert.Equal(expected, TextTools.Sentences(text).Count);
}
