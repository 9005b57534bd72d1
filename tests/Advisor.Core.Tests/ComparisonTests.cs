using Advisor.Core.Comparison;
using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests;

public sealed class ComparisonTests
{
    [Fact]
    public void Two_roles_of_one_article_are_lined_up_aspect_by_aspect_each_cell_cited()
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI Architect", "MLRE");
        Assert.True(outcome.Succeeded, outcome.Error);
        var c = outcome.Comparison!;
        Assert.Equal(("AI Architect", "Machine Learning Research Engineer"), (c.RoleA, c.RoleB));
        Assert.Equal(["definition", "responsibilities", "skills", "education", "tools", "industries", "outlook", "getting-started", "summary"], c.Rows.Select(r => r.Aspect));
        Assert.Equal(["outlook", "getting-started", "summary"], c.Rows.Where(r => r.Both is not null).Select(r => r.Aspect));
        Assert.All(c.Rows.Where(r => r.Both is null), r =>
        {
            Assert.Equal("AI Architect vs. Machine Learning Research Engineer", r.A!.Citation.Article);
            Assert.Equal("AI Architect vs. Machine Learning Research Engineer", r.B!.Citation.Article);
            Assert.Equal("AI Architect", r.A.Citation.Role);
            Assert.Equal("Machine Learning Research Engineer", r.B.Citation.Role);
        });
    }

    [Theory]
    [InlineData("outlook", "Outlooks")]
    [InlineData("getting started", "Practical Tips for Getting Started")]
    [InlineData("conclusion", "Conclusion")]
    public void An_article_level_section_both_roles_share_is_one_shared_cell(string aspect, string topic)
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI architect", "MLRE", aspect);
        Assert.True(outcome.Succeeded, outcome.Error);
        var row = Assert.Single(outcome.Comparison!.Rows);
        Assert.Null(row.A);
        Assert.Null(row.B);
        var both = Assert.IsType<ComparisonCell>(row.Both);
        Assert.Equal(topic, both.Citation.Section);
        Assert.Null(both.Citation.Role);
        Assert.Equal("ai-architect-vs-ml-research-engineer.txt", both.Citation.File);
        var section = TestKnowledge.Snapshot.SectionsById[both.Citation.SectionId];
        Assert.Null(section.Role);
        Assert.NotEmpty(both.Points);
        Assert.All(both.Points, p => Assert.Contains(p, section.Units));
        Assert.Equal(["AI Architect vs. Machine Learning Research Engineer"], outcome.Comparison.Articles);
    }

    [Fact]
    public void Roles_from_two_articles_get_each_their_own_articles_outlook()
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI Scientist", "AI Architect", "outlook");
        Assert.True(outcome.Succeeded, outcome.Error);
        var row = Assert.Single(outcome.Comparison!.Rows);
        Assert.Null(row.Both);
        Assert.Equal(("Outlooks", "Outlooks"), (row.A!.Citation.Section, row.B!.Citation.Section));
        Assert.Equal("ai-scientist-vs-ml-research-engineer.txt", row.A.Citation.File);
        Assert.Equal("ai-architect-vs-ml-research-engineer.txt", row.B.Citation.File);
        Assert.Contains("AI Scientists", row.A.Points[0], StringComparison.Ordinal);
        Assert.Contains("AI Architects", row.B.Points[0], StringComparison.Ordinal);
        Assert.Equal(2, outcome.Comparison.Articles.Count);
    }

    [Fact]
    public void The_article_both_roles_share_is_preferred_and_a_role_of_its_own_beats_an_article_level_section()
    {
        using var folder = new TempFolder();
        // Data Engineer's first article (by file name) has an outlook of its own; the article shared with Data Scientist must win.
        folder.Write("a-data-engineer-vs-analytics-engineer.md", """
            # Data Engineer vs. Analytics Engineer

            ## Responsibilities

            ### Data Engineer

            - Builds and runs data pipelines.

            ### Analytics Engineer

            - Models data for analysts.

            ## Outlook

            Pipeline work stays in steady demand across industries.
            """);
        folder.Write("b-data-scientist-vs-data-engineer.md", """
            # Data Scientist vs. Data Engineer

            ## Responsibilities

            ### Data Scientist

            - Builds predictive models.

            ### Data Engineer

            - Keeps the data flowing.

            ## Outlook

            Demand for both data roles keeps growing every year.
            """);
        folder.Write("c-statistician-vs-actuary.md", """
            # Statistician vs. Actuary

            ## Responsibilities

            ### Statistician

            - Designs studies.

            ### Actuary

            - Prices risk.

            ## Outlook

            ### Statistician

            Statisticians are wanted wherever experiments are run.

            ### Actuary

            Actuaries remain central to insurance.
            """);
        var knowledge = KnowledgeSnapshot.Load(folder.Path);

        var shared = Assert.Single(RoleComparer.Compare(knowledge, "Data Engineer", "Data Scientist", "outlook").Comparison!.Rows);
        Assert.Equal("b-data-scientist-vs-data-engineer.md#outlook", shared.Both!.Citation.SectionId);
        Assert.Equal(["Demand for both data roles keeps growing every year."], shared.Both.Points);

        var mixed = Assert.Single(RoleComparer.Compare(knowledge, "Statistician", "Data Scientist", "outlook").Comparison!.Rows);
        Assert.Null(mixed.Both);
        Assert.Equal("c-statistician-vs-actuary.md#outlook/statistician", mixed.A!.Citation.SectionId);
        Assert.Equal("b-data-scientist-vs-data-engineer.md#outlook", mixed.B!.Citation.SectionId);
    }

    [Fact]
    public void Roles_from_two_articles_are_compared_across_them()
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI Architect", "AI Scientist", "education");
        Assert.True(outcome.Succeeded, outcome.Error);
        var row = Assert.Single(outcome.Comparison!.Rows);
        Assert.Equal("AI Architect vs. Machine Learning Research Engineer", row.A!.Citation.Article);
        Assert.Equal("AI Scientist vs. Machine Learning Research Engineer", row.B!.Citation.Article);
        Assert.Contains("Ph.D.", row.B.Points[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Research_and_engineering_compare_on_the_topics_their_article_has()
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI researcher", "AI engineer");
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Contains(outcome.Comparison!.Rows, r => r.Aspect == "evaluation");
        Assert.Contains(outcome.Comparison.Rows, r => r.Aspect == "impact");
        Assert.Equal("Summary", outcome.Comparison.Rows.Single(r => r.Aspect == "summary").Both?.Citation.Section);
    }

    [Fact]
    public void An_unknown_role_gets_an_error_naming_the_known_roles_and_the_closest_match()
    {
        var outcome = RoleComparer.Compare(TestKnowledge.Snapshot, "AI Architect", "Machine Learning Engineer");
        Assert.False(outcome.Succeeded);
        Assert.Equal("Machine Learning Research Engineer", outcome.ClosestMatch);
        Assert.Contains("Did you mean Machine Learning Research Engineer?", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("AI Scientist", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(5, outcome.KnownRoles.Count);
    }

    [Fact]
    public void The_same_role_twice_and_an_unknown_aspect_are_errors()
    {
        Assert.Contains("two different roles", RoleComparer.Compare(TestKnowledge.Snapshot, "MLRE", "ML research engineer").Error, StringComparison.Ordinal);
        Assert.Contains("can't compare by", RoleComparer.Compare(TestKnowledge.Snapshot, "AI Architect", "AI Scientist", "hobbies").Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AI Architect vs AI Scientist", "AI Architect", "AI Scientist", null)]
    [InlineData("AI Architect vs. AI Scientist skills", "AI Architect", "AI Scientist", "skills")]
    [InlineData("MLRE and AI Scientist on education", "MLRE", "AI Scientist", "education")]
    [InlineData("compare AI Architect with MLRE --aspect tools", "AI Architect", "MLRE", "tools")]
    public void Chat_comparison_requests_are_read(string text, string a, string b, string? aspect)
    {
        Assert.True(CompareRequest.TryParse(text, out var ra, out var rb, out var asp));
        Assert.Equal((a, b, aspect), (ra, rb, asp));
    }

    [Fact]
    public void A_request_without_two_roles_is_not_read() => Assert.False(CompareRequest.TryParse("AI Architect", out _, out _, out _));
}
