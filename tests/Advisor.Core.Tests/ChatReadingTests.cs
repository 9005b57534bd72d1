using Advisor.Core.Answers;
using Advisor.Core.Knowledge;
using Advisor.Core.Retrieval;
using Advisor.Core.Understanding;

namespace Advisor.Core.Tests;

/// <summary>Readings added in the third round of the chat-questions issue (docs/quality.md), one case each.</summary>
public sealed class ChatReadingTests
{
    private static Answer Ask(string question, params ConversationTurn[] history) =>
        ExtractiveComposer.Compose(Retriever.Retrieve(TestKnowledge.Snapshot, question, history));

    private static string Aspect(Answer answer) => TestKnowledge.Snapshot.SectionsById[answer.Citations[0].SectionId].Aspect!;

    [Theory]
    [InlineData("skils for ml research engineers?", "skills")]
    [InlineData("what does an ai architect do besides drawing boxes lol", "responsibilities")]
    [InlineData("what do ai scientists actually do", "responsibilities")]
    [InlineData("is ai architect gonna be dead in 5 years", "outlook")]
    [InlineData("is being an ai scientist a growing career or has it peaked", "outlook")]
    [InlineData("where do ai scientists usually get hired apart from universities", "industries")]
    [InlineData("do ai architects get to pick the frameworks or is that the devs", "responsibilities")]
    public void Chat_wordings_reach_the_aspect_asked(string question, string aspect)
    {
        var answer = Ask(question);
        Assert.Equal(AnswerKind.Answer, answer.Kind);
        Assert.Equal(aspect, Aspect(answer));
    }

    [Theory]
    [InlineData("what is the ai scientist job like")]
    [InlineData("whats a career as an ml research engineer like")]
    [InlineData("describe the ai architect role for me")]
    public void Asking_what_a_role_is_like_with_its_name_inside_the_phrase_gets_a_profile(string question) =>
        Assert.Equal(AnswerKind.Profile, Ask(question).Kind);

    [Fact]
    public void What_a_role_makes_is_pay_and_pay_the_articles_lack_is_said_so()
    {
        var answer = Ask("what does an ai architect make in the us");
        Assert.Equal(AnswerKind.UncoveredTopic, answer.Kind);
        Assert.Equal("Pay", answer.Uncovered, ignoreCase: true);
    }

    [Theory]
    [InlineData("good morning advisor!")]
    [InlineData("brb coffee ☕")]
    [InlineData("thanks bot")]
    public void Greetings_addressed_to_the_bot_are_small_talk(string text) => Assert.Equal(AnswerKind.SmallTalk, Ask(text).Kind);

    [Fact]
    public void Deep_dive_asks_for_a_profile() => Assert.Equal(AnswerKind.Profile, Ask("deep dive on ai architects pls").Kind);

    [Fact]
    public void The_askers_own_uncovered_job_is_the_subject_of_my_job()
    {
        var answer = Ask("im a cloud architect (not ai), whats the outlook for my job");
        Assert.Equal(AnswerKind.UncoveredRole, answer.Kind);
        Assert.Equal("cloud architect", answer.Uncovered, ignoreCase: true);
    }

    [Fact]
    public void Unrelated_but_leaves_the_conversations_subject()
    {
        var earlier = Ask("what tools do ai architects use");
        Assert.Equal(AnswerKind.Answer, earlier.Kind);

        var answer = Ask("unrelated but any good pizza places in nyc?", new ConversationTurn("what tools do ai architects use", earlier));
        Assert.NotEqual(AnswerKind.Answer, answer.Kind);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public void A_follow_up_without_the_cue_still_keeps_the_subject()
    {
        var earlier = Ask("what tools do ai architects use");
        var answer = Ask("and their education?", new ConversationTurn("what tools do ai architects use", earlier));
        Assert.Equal("AI Architect", answer.Citations[0].Role);
        Assert.Equal("education", Aspect(answer));
    }

    [Fact]
    public void A_phrase_is_matched_across_the_words_left_out()
    {
        var set = new PhraseSet(["what is the job like"]);
        string[] words = ["what", "is", "the", "ai", "scientist", "job", "like"];

        Assert.Equal(0, set.Match(words).Weight);
        var (weight, first, positions) = set.MatchAcross(words, new HashSet<int> { 3, 4 });
        Assert.Equal(1, weight);
        Assert.Equal(0, first);
        Assert.Equal([0, 1, 2, 5, 6], positions);
        Assert.Equal(0, set.MatchAcross(words, new HashSet<int> { 3, 4 }, skip: new HashSet<int> { 5 }).Weight); // a skipped word still breaks it
    }
}
