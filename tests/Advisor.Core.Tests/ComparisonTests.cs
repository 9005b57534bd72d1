using Advisor.Core.Comparison;

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
        Assert.Equal(["definition", "responsibilities", "skills", "education", "tools", "industries"], c.Rows.Select(r => r.Aspect));
        Assert.All(c.Rows, r =>
        {
            Assert.Equal("AI Architect vs. Machine Learning Research Engineer", r.A!.Citation.Article);
            Assert.Equal("AI Architect vs. Machine Learning Research Engineer", r.B!.Citation.Article);
            Assert.Equal("AI Architect", r.A.Citation.Role);
            Assert.Equal("Machine Learning Research Engineer", r.B.Citation.Role);
        });
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
