using Advisor.Core.Answers;
using Advisor.Core.Evaluation;
using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests;

/// <summary>How <c>advisor eval</c> judges a comparison's aspect: by tag or by a heading's words, and fairly for a role without it.</summary>
public sealed class EvalJudgeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly KnowledgeSnapshot _knowledge;

    public EvalJudgeTests()
    {
        _folder.Write("baker-vs-chef.md", """
            # Baker vs. Chef

            ## Day-to-Day Work

            ### Baker
            - Mix and proof dough before dawn.

            ### Chef
            - Run the pass during dinner service.

            ## Skills

            ### Baker
            - Precise measuring.

            ### Chef
            - Speed under pressure.
            """);
        _folder.Write("wine-steward.md", """
            # Wine Steward

            ## Overview

            A Wine Steward chooses and serves wine in a restaurant.

            ## Salary

            Wine stewards earn a base wage plus a share of tips.
            """);
        _knowledge = KnowledgeSnapshot.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    private KnowledgeSection Section(string topic, string role) =>
        _knowledge.Sections.Single(s => s.Topic == topic && s.Role == role);

    private static Citation Cite(KnowledgeSection s) => new(s.ArticleTitle, s.Topic, s.Role, s.File, s.Units[0]) { SectionId = s.Id };

    private (bool Ok, string Why) Judge(string? aspect, string roleA, string roleB, params KnowledgeSection[] cited)
    {
        var c = new EvalCase("1", "q", "compare", [], [roleA, roleB], aspect, [], 1);
        var answer = new Answer { Kind = AnswerKind.Comparison, Text = "text", Citations = [.. cited.Select(Cite)] };
        return Evaluator.Judge(_knowledge, c, answer);
    }

    [Fact]
    public void An_aspect_may_be_named_by_its_tag_or_by_the_words_of_a_heading()
    {
        var work = Section("Day-to-Day Work", "Baker").Aspect;
        Assert.NotNull(work);
        Assert.Equal([work], Evaluator.AspectsNamed(_knowledge, "day to day"));
        Assert.Equal([work], Evaluator.AspectsNamed(_knowledge, work!));

        var onWork = Judge("day to day", "Baker", "Chef", Section("Day-to-Day Work", "Baker"), Section("Day-to-Day Work", "Chef"));
        Assert.True(onWork.Ok, onWork.Why);

        var onSkills = Judge("day to day", "Baker", "Chef", Section("Skills", "Baker"), Section("Skills", "Chef"));
        Assert.False(onSkills.Ok);
        Assert.Contains("on day to day", onSkills.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void An_aspect_the_knowledge_does_not_have_is_reported_as_such()
    {
        var (ok, why) = Judge("night shifts", "Baker", "Chef", Section("Skills", "Baker"), Section("Skills", "Chef"));
        Assert.False(ok);
        Assert.Contains("neither an aspect nor a heading", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_with_no_section_on_the_aspect_is_judged_by_any_citation_about_it()
    {
        // Pay: the Wine Steward has a Salary section, the Baker has none — the best a comparison can do for the Baker is
        // another of his sections, while the Wine Steward must be cited on pay.
        var fair = Judge("salary", "Wine Steward", "Baker", Section("Salary", "Wine Steward"), Section("Skills", "Baker"));
        Assert.True(fair.Ok, fair.Why);

        var offAspect = Judge("salary", "Wine Steward", "Baker", Section("Overview", "Wine Steward"), Section("Skills", "Baker"));
        Assert.False(offAspect.Ok);
        Assert.Contains("Wine Steward", offAspect.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("Baker", offAspect.Why, StringComparison.Ordinal);
    }
}
