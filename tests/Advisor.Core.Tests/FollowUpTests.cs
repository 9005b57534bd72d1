using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Tests;

/// <summary>The next questions offered under an answer come from the knowledge and ask what they say.</summary>
public sealed class FollowUpTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly KnowledgeSnapshot _knowledge;

    public FollowUpTests()
    {
        _folder.Write("ux-vs-pm.md", """
            # UX Designer vs. Product Manager

            ## Responsibilities

            ### UX Designer
            - Interview users and run usability tests.

            ### Product Manager
            - Write the roadmap and prioritise the backlog.

            ## Skills

            ### UX Designer
            - Visual design and interaction design.

            ### Product Manager
            - Prioritisation and clear written communication.

            ## Tools

            ### UX Designer
            - Figma and other prototyping tools.

            ### Product Manager
            - Jira and analytics dashboards.

            ## Tips for Getting Started

            Build a portfolio of small projects and ask for feedback early.
            """);
        _knowledge = KnowledgeSnapshot.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    private Answer Ask(string question) => ExtractiveComposer.Compose(Retriever.Retrieve(_knowledge, question, []));

    [Fact]
    public void An_answer_about_one_role_offers_the_comparison_its_article_makes_other_aspects_and_getting_started()
    {
        var answer = Ask("what skills does a ux designer need");
        var next = FollowUps.For(answer, _knowledge);

        Assert.Equal(FollowUps.Max, next.Count);
        Assert.Equal("Compare with Product Manager", next[0].Label);
        Assert.Contains(next, f => f.Label == "Responsibilities");
        Assert.DoesNotContain(next, f => f.Label == "Skills"); // the aspect just answered
        Assert.All(next, f => Assert.True(f.Key.Length <= 100, f.Key));

        // Each suggestion, asked, is answered from the knowledge about what its label says.
        var compared = Ask(next[0].Question);
        Assert.Equal(AnswerKind.Comparison, compared.Kind);
        var responsibilities = Ask(next.Single(f => f.Label == "Responsibilities").Question);
        Assert.Equal(("Responsibilities", "UX Designer"), (responsibilities.Citations[0].Section, responsibilities.Citations[0].Role));
    }

    [Fact]
    public void A_key_turns_back_into_its_question_and_a_tampered_key_into_nothing()
    {
        var next = FollowUps.For(Ask("what tools do product managers use"), _knowledge);
        Assert.All(next, f => Assert.Equal(f.Question, FollowUps.Question(f.Key, _knowledge)));

        Assert.Null(FollowUps.Question("a|Astronaut|skills", _knowledge));
        Assert.Null(FollowUps.Question("a|UX Designer|not-an-aspect", _knowledge));
        Assert.Null(FollowUps.Question("x|y", _knowledge));
        Assert.Null(FollowUps.Question("", _knowledge));
    }

    [Fact]
    public void Small_talk_and_off_topic_get_no_suggestions_and_an_uncovered_role_gets_the_closest_covered_ones()
    {
        Assert.Empty(FollowUps.For(Ask("thanks!"), _knowledge));
        Assert.Empty(FollowUps.For(Ask("best pizza in town?"), _knowledge));

        var uncovered = FollowUps.For(Ask("what does a graphic designer do"), _knowledge);
        Assert.Contains(uncovered, f => f.Label == "About UX Designer");
    }

    [Theory]
    [InlineData("what skills does an ai architect need")]
    [InlineData("ai scientist vs mlre")]
    [InlineData("give me an overview of ai engineering")]
    [InlineData("what does a data analyst do")]
    [InlineData("can ai architects work remotely")]
    public void On_the_shipped_articles_every_suggestion_is_answered_as_its_label_says(string question)
    {
        var knowledge = KnowledgeSnapshot.Load(Path.Combine(Advisor.Testing.RepoPaths.RepoRoot(), "knowledge"));
        var first = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, question, []));
        var next = FollowUps.For(first, knowledge);
        Assert.NotEmpty(next);
        foreach (var followUp in next)
        {
            var answer = ExtractiveComposer.Compose(Retriever.Retrieve(knowledge, followUp.Question, []));
            Assert.False(answer.Abstained, $"{followUp.Label}: \"{followUp.Question}\" → {answer.Kind}");
            var expected = followUp.Key[0] switch { 'c' => AnswerKind.Comparison, 'p' => AnswerKind.Profile, _ => AnswerKind.Answer };
            Assert.True(expected == answer.Kind, $"{followUp.Label}: \"{followUp.Question}\" → {answer.Kind}, expected {expected}");
        }
    }

    [Fact]
    public void A_comparison_offers_the_same_two_roles_on_other_aspects_each_label_once()
    {
        var next = FollowUps.For(Ask("ux designer vs product manager skills"), _knowledge);
        Assert.Contains(next, f => f.Label == "Compare responsibilities");
        Assert.Equal(next.Count, next.Select(f => f.Label).Distinct().Count());
    }
}
