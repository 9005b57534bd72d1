using Advisor.Core.Answers;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Tests;

public sealed class RetrievalTests
{
    private static Answer Ask(string question, params ConversationTurn[] history) =>
        ExtractiveComposer.Compose(Retriever.Retrieve(TestKnowledge.Snapshot, question, history));

    [Fact]
    public void A_follow_up_without_a_role_leans_on_the_previous_turn()
    {
        var first = Ask("What does an AI Architect do?");
        Assert.Equal("AI Architect", first.Citations[0].Role);

        var followUp = Ask("and their education?", new ConversationTurn("What does an AI Architect do?", first));
        Assert.Equal("Educational Backgrounds", followUp.Citations[0].Section);
        Assert.Equal("AI Architect", followUp.Citations[0].Role);

        // Without the history the same words name no role.
        var alone = Retriever.Retrieve(TestKnowledge.Snapshot, "and their education?", []);
        Assert.Empty(alone.Query.Roles);
    }

    [Fact]
    public void A_follow_up_naming_only_another_role_keeps_the_previous_aspect()
    {
        var first = Ask("What tools does an AI Architect use?");
        var followUp = Ask("what about AI scientists?", new ConversationTurn("What tools does an AI Architect use?", first));
        Assert.Equal(("Tools and Software Used", "AI Scientist"), (followUp.Citations[0].Section, followUp.Citations[0].Role));
    }

    [Fact]
    public void Abstaining_says_so_and_lists_the_closest_sections_without_citing_them()
    {
        var answer = Ask("What is the best pizza topping?");
        Assert.True(answer.Abstained);
        Assert.Empty(answer.Citations);
        Assert.Contains("does not cover", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Suggestions);
        Assert.All(answer.Suggestions, s => Assert.Contains(" › ", s, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_citation_quotes_words_that_occur_in_the_cited_section()
    {
        foreach (var question in new[] { "What skills does an AI Architect need?", "How do AI engineers measure success?", "What do MLREs and AI scientists study?" })
        {
            var answer = Ask(question);
            Assert.NotEmpty(answer.Citations);
            foreach (var citation in answer.Citations)
            {
                var section = TestKnowledge.Snapshot.SectionsById[citation.SectionId];
                Assert.Contains(citation.Quote, section.Text, StringComparison.Ordinal);
                Assert.Equal(section.Label, citation.Label);
            }
        }
    }

    [Fact]
    public void A_question_naming_two_roles_is_answered_for_both()
    {
        var answer = Ask("What degrees do AI architects and AI scientists have?");
        Assert.Equal(["AI Architect", "AI Scientist"], answer.Citations.Select(c => c.Role));
        Assert.All(answer.Citations, c => Assert.Equal("Educational Backgrounds", c.Section));
        Assert.Contains("[2]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Extractive_answer_lists_the_items_of_the_section_asked_about_each_cited()
    {
        var answer = Ask("What skills does an AI Architect need?");
        var lines = answer.Text.Split('\n');
        Assert.Contains("Required Skills", lines[0], StringComparison.Ordinal);
        Assert.Equal(6, lines.Count(l => l.StartsWith("- ", StringComparison.Ordinal) && l.EndsWith("[1]", StringComparison.Ordinal)));
        Assert.False(answer.Abstained);
        Assert.InRange(answer.Confidence, 0.7, 1.0);
    }
}
