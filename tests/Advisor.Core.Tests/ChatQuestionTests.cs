using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Tests;

/// <summary>The chat questions of the "answers that hold up on real chat questions" issue, each as the issue describes it.</summary>
public sealed class ChatQuestionTests
{
    private static Answer Ask(string question, params ConversationTurn[] history) =>
        ExtractiveComposer.Compose(Retriever.Retrieve(TestKnowledge.Snapshot, question, history));

    private static KnowledgeSection Section(Citation citation) => TestKnowledge.Snapshot.SectionsById[citation.SectionId];

    [Theory]
    [InlineData("ok so what tools do AI scientists use, asking for a friend", "tools", "AI Scientist")]
    [InlineData("whats the education needed for an AI architect", "education", "AI Architect")]
    [InlineData("thx! and what industries hire ML research engineers lol", "industries", "Machine Learning Research Engineer")]
    [InlineData("what skills does an AI archi\u200btect need", "skills", "AI Architect")]
    [InlineData("WHAT DEGREE DO U NEED 2 BE AN AI SCIENTIST in 2026 🙏", "education", "AI Scientist")]
    [InlineData("dont really get what mlres do all day tbh", "responsibilities", "Machine Learning Research Engineer")]
    [InlineData("what eduction do ai sceintists have", "education", "AI Scientist")]
    public void Filler_missing_apostrophes_typos_and_invisible_characters_do_not_turn_a_question_into_a_refusal(string question, string aspect, string role)
    {
        var answer = Ask(question);

        Assert.Equal(AnswerKind.Answer, answer.Kind);
        Assert.False(answer.Abstained);
        Assert.Equal(aspect, Section(answer.Citations[0]).Aspect);
        Assert.Equal(role, answer.Citations[0].Role);
    }

    [Theory]
    [InlineData("what skills does a data analyst need?", "data analyst", "Machine Learning Research Engineer")]
    [InlineData("what does a data scientist do", "data scientist", "AI Scientist")]
    [InlineData("what skills does a Solutions Architect need", "solutions architect", "AI Architect")]
    [InlineData("how do i become a nurse", "nurse", null)]
    [InlineData("difference between a data scientist and an ai scientist?", "data scientist", "AI Scientist")]
    public void A_role_the_articles_do_not_cover_is_said_so_with_the_closest_covered_roles_and_an_offer(string question, string title, string? closest)
    {
        var answer = Ask(question);

        Assert.Equal(AnswerKind.UncoveredRole, answer.Kind);
        Assert.True(answer.Abstained);
        Assert.Empty(answer.Citations);
        Assert.Equal(title, answer.Uncovered);
        Assert.Contains("don't cover", answer.Text, StringComparison.Ordinal);
        Assert.Contains("I can tell you about", answer.Text, StringComparison.Ordinal);
        if (closest is not null)
        {
            Assert.Contains($"closest role", answer.Text, StringComparison.Ordinal);
            Assert.Contains(closest, answer.Text.Split('\n')[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Describing_yourself_with_an_uncovered_title_still_gets_the_covered_role_answered()
    {
        var answer = Ask("im a data analyst, what skills do i need to become an ai architect?");

        Assert.Equal(AnswerKind.Answer, answer.Kind);
        Assert.Equal(("skills", "AI Architect"), (Section(answer.Citations[0]).Aspect, answer.Citations[0].Role));
    }

    [Theory]
    [InlineData("can AI architects work remotely?", "Remote work and travel", "AI Architect")]
    [InlineData("how much do ml research engineers earn", "Pay", "Machine Learning Research Engineer")]
    [InlineData("do AI scientists need a visa to work in the US", "Visas and immigration", "AI Scientist")]
    [InlineData("am i too old at 45 to become an ai scientist", "Age", "AI Scientist")]
    [InlineData("what interview questions do AI architects get", "Interviews", "AI Architect")]
    public void A_topic_the_articles_do_not_cover_is_said_so_with_the_nearest_sections(string question, string topic, string role)
    {
        var answer = Ask(question);

        Assert.Equal(AnswerKind.UncoveredTopic, answer.Kind);
        Assert.Equal(topic, answer.Uncovered);
        Assert.Empty(answer.Citations);
        Assert.Equal([role], answer.Roles);
        Assert.StartsWith($"The articles I have don't cover {topic.ToLowerInvariant()}", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Suggestions);
        Assert.All(answer.Suggestions, s => Assert.Contains(" › ", s, StringComparison.Ordinal));
    }

    [Fact]
    public void Pay_points_to_the_outlook_sections()
    {
        var answer = Ask("do AI architects get paid more than MLREs?");

        Assert.Equal(AnswerKind.UncoveredTopic, answer.Kind);
        Assert.Equal(["AI Architect", "Machine Learning Research Engineer"], answer.Roles);
        Assert.Contains(answer.Suggestions, s => s.EndsWith("› Outlooks", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("difference between ai architect and mlre", null)]
    [InlineData("ai scientist vs ml research engineer", null)]
    [InlineData("AI architect or AI scientist, which one needs more math", "skills")]
    [InlineData("should i become an ai researcher or an ai engineer if i like shipping products fast", "deliverables")]
    [InlineData("should i become an ai scientist or mlre if i have a phd", "education")]
    [InlineData("what education do AI architects and AI scientists need", "education")]
    public void A_question_about_two_roles_answers_both_sides_each_cited(string question, string? aspect)
    {
        var answer = Ask(question);

        Assert.Equal(AnswerKind.Comparison, answer.Kind);
        Assert.Equal(2, answer.Roles.Count);
        foreach (var role in answer.Roles)
        {
            Assert.Contains(answer.Citations, c => c.Role == role && (aspect is null || Section(c).Aspect == aspect));
        }

        Assert.Contains($"/compare {answer.Roles[0]} vs {answer.Roles[1]}", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preference_brings_out_the_lines_of_each_role_that_speak_to_it()
    {
        var answer = Ask("AI architect or AI scientist, which one needs more math");

        // The AI Scientist's skills section has a mathematics line: it is among the lines shown.
        Assert.Contains("mathematical foundations", answer.Text, StringComparison.Ordinal);
        var phd = Ask("should i become an ai scientist or mlre if i have a phd");
        Assert.Equal(2, phd.Text.Split('\n').Count(l => l.Contains("Ph.D.", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_broad_question_gets_a_short_cited_profile_with_a_pointer_to_compare()
    {
        var answer = Ask("give me an overview of the AI architect role");

        Assert.Equal(AnswerKind.Profile, answer.Kind);
        Assert.Equal("definition", Section(answer.Citations[0]).Aspect);
        Assert.True(answer.Citations.Count >= 5);
        Assert.All(answer.Citations, c => Assert.True(c.Role == "AI Architect" || (c.Role is null && TestKnowledge.Snapshot.Articles.Single(a => a.File == c.File).Roles.Contains("AI Architect"))));
        Assert.Contains(answer.Citations, c => Section(c).Aspect == "outlook");
        Assert.Contains("/compare AI Architect vs", answer.Text, StringComparison.Ordinal);
        foreach (var citation in answer.Citations)
        {
            Assert.Contains(citation.Quote, Section(citation).Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("thanks!", "You're welcome")]
    [InlineData("help", "Commands:")]
    [InlineData("hi", "Hi!")]
    [InlineData("👍", "Anything else?")]
    public void Small_talk_gets_a_short_friendly_reply_with_example_questions_and_no_citations(string message, string start)
    {
        var answer = Ask(message);

        Assert.Equal(AnswerKind.SmallTalk, answer.Kind);
        Assert.Empty(answer.Citations);
        Assert.False(answer.Abstained);
        Assert.Contains(start, answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("This article", answer.Text, StringComparison.Ordinal);
        Assert.True(answer.Text.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal)) >= 2);
    }

    [Fact]
    public void Off_topic_questions_still_abstain()
    {
        foreach (var question in new[] { "best pizza in town?", "how do i reset my slack password", "what's the weather in Paris tomorrow" })
        {
            var answer = Ask(question);
            Assert.Equal(AnswerKind.OffTopic, answer.Kind);
            Assert.True(answer.Abstained);
        }
    }

    [Fact]
    public void A_follow_up_comparison_takes_the_earlier_role()
    {
        var first = Ask("what does an ai scientist do");
        var followUp = Ask("how is that different from an mlre?", new ConversationTurn("what does an ai scientist do", first));

        Assert.Equal(AnswerKind.Comparison, followUp.Kind);
        Assert.Equal(["AI Scientist", "Machine Learning Research Engineer"], followUp.Roles);
    }

    [Fact]
    public void A_topic_asked_beside_an_aspect_the_role_has_is_refused_when_the_chat_reader_is_all_but_certain_and_named_by_its_triggers()
    {
        // "industries … employ" is an aspect the role has, read outright; parental leave is what is asked.
        var answer = Ask("do the industries that employ mlres give decent parental leave");
        Assert.Equal((AnswerKind.UncoveredTopic, "Benefits and leave"), (answer.Kind, answer.Uncovered));
    }

    [Fact]
    public void A_question_to_the_bot_with_no_role_and_no_aspect_is_small_talk_even_when_its_words_match_a_section()
    {
        // "ai" and "person" match the articles' words; nothing is asked of them.
        Assert.Equal(AnswerKind.SmallTalk, Ask("are you a real person or ai").Kind);
    }
}
