namespace Advisor.Core.Tests;

public sealed class RoleCatalogTests
{
    private static Roles.RoleCatalog Catalog => TestKnowledge.Snapshot.Catalog;

    [Fact]
    public void The_catalog_comes_from_the_knowledge()
    {
        Assert.Equal(
            ["AI Architect", "Machine Learning Research Engineer", "AI Research", "AI Engineering", "AI Scientist"],
            Catalog.Roles.Select(r => r.Name));
        Assert.Equal(2, Catalog.Get("Machine Learning Research Engineer")!.Articles.Count);
    }

    [Theory]
    [InlineData("ML research engineer", "Machine Learning Research Engineer")]
    [InlineData("MLRE", "Machine Learning Research Engineer")]
    [InlineData("mlres", "Machine Learning Research Engineer")]
    [InlineData("machine learning research engineer", "Machine Learning Research Engineer")]
    [InlineData("MACHINE LEARNING RESEARCH ENGINEERS", "Machine Learning Research Engineer")]
    [InlineData("research engineer", "Machine Learning Research Engineer")]
    [InlineData("AI researcher", "AI Research")]
    [InlineData("ai researchers", "AI Research")]
    [InlineData("AI engineer", "AI Engineering")]
    [InlineData("AI architekt", "AI Architect")]
    [InlineData("architect", "AI Architect")]
    [InlineData("AI Scientst", "AI Scientist")]
    [InlineData("artificial intelligence scientist", "AI Scientist")]
    public void Names_people_type_resolve_to_the_role(string typed, string expected) =>
        Assert.Equal(expected, Catalog.Resolve(typed)?.Name);

    [Theory]
    [InlineData("plumber")]
    [InlineData("engineer")] // both AI Engineering and the ML Research Engineer: not one role
    [InlineData("")]
    public void Names_that_are_not_one_role_do_not_resolve(string typed) => Assert.Null(Catalog.Resolve(typed));

    [Fact]
    public void Closest_offers_a_plausible_misspelling_only()
    {
        Assert.Equal("Machine Learning Research Engineer", Catalog.Closest("machine learning engineer")?.Name);
        Assert.Null(Catalog.Closest("astronaut"));
    }

    [Fact]
    public void Suggest_completes_prefixes_and_fragments_for_autocomplete()
    {
        Assert.Equal("AI Architect", Catalog.Suggest("ai arch", 5)[0].Name);
        Assert.Equal("Machine Learning Research Engineer", Catalog.Suggest("mach", 5)[0].Name);
        Assert.Equal(Catalog.Roles.Count, Catalog.Suggest("", 25).Count);
    }
}
