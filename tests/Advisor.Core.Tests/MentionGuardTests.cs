using Advisor.Core.Answers;

namespace Advisor.Core.Tests;

public sealed class MentionGuardTests
{
    [Theory]
    [InlineData("hey @everyone look")]
    [InlineData("@here now")]
    [InlineData("ping <@123456789012345678>")]
    [InlineData("ping <@!123456789012345678>")]
    [InlineData("role <@&987654321>")]
    [InlineData("slack <!channel> and <!here> and <!everyone>")]
    [InlineData("group <!subteam^S012ABC|@team>")]
    [InlineData("user <@U024BE7LH>")]
    public void Mentions_are_neutralized_but_read_the_same(string text)
    {
        Assert.True(MentionGuard.HasMention(text));
        var safe = MentionGuard.Neutralize(text);
        Assert.False(MentionGuard.HasMention(safe));
        Assert.Equal(text, safe.Replace("\u200B", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Mentions_in_a_question_do_not_change_what_it_asks()
    {
        var plain = ExtractiveComposer.Compose(Retrieval.Retriever.Retrieve(TestKnowledge.Snapshot, "What skills does an AI Architect need?", []));
        var pinged = ExtractiveComposer.Compose(Retrieval.Retriever.Retrieve(TestKnowledge.Snapshot, "<@U024BE7LH> What skills does an AI Architect need? @everyone <!here> <@&123>", []));
        Assert.False(pinged.Abstained);
        Assert.Equal(plain.Citations.Select(c => c.SectionId), pinged.Citations.Select(c => c.SectionId));
    }

    [Fact]
    public void Text_without_mentions_is_unchanged() =>
        Assert.Equal("email me at a@b.c", MentionGuard.Neutralize("email me at a@b.c"));

    [Fact]
    public void Mentions_in_the_knowledge_never_reach_an_answer()
    {
        using var folder = new TempFolder();
        folder.Write("pings.txt", "Data Scientist vs. Data Engineer\nResponsibilities\nData Scientist\n- Tell @everyone and <@&123> about <!channel> results.\nData Engineer\n- Builds pipelines for @here.\n");
        var snapshot = Knowledge.KnowledgeSnapshot.Load(folder.Path);
        var answer = ExtractiveComposer.Compose(Retrieval.Retriever.Retrieve(snapshot, "What are the responsibilities of a data scientist?", []));
        Assert.Contains("everyone", answer.Text, StringComparison.Ordinal);
        Assert.False(MentionGuard.HasMention(answer.Text));
        Assert.All(answer.Citations, c => Assert.False(MentionGuard.HasMention(c.Quote)));
    }
}
