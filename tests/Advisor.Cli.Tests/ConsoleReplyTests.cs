using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;

namespace Advisor.Cli.Tests;

/// <summary>The console shows a model-written answer as it is written and ends with the same sources and follow-ups.</summary>
public sealed class ConsoleReplyTests
{
    private static readonly Answer Final = new()
    {
        Text = "An AI Architect designs AI systems. [1]",
        Citations = [new Citation("Article", "Definitions", "AI Architect", "a.txt", "designs AI systems")],
    };

    private static async IAsyncEnumerable<AnswerUpdate> Stream(Answer final, params string[] deltas)
    {
        foreach (var delta in deltas)
        {
            await Task.Yield();
            yield return new AnswerUpdate(delta);
        }

        yield return new AnswerUpdate("", final);
    }

    [Fact]
    public async Task Streamed_text_is_written_as_it_comes_and_the_final_answer_adds_only_what_was_not_shown()
    {
        var output = new StringWriter();
        var reply = new ConsoleReply(output);
        var id = TurnId.New(DateTimeOffset.UnixEpoch);
        var followUp = new FollowUp("Education", "Education of an AI Architect?", "a|AI Architect|education");

        var (delivery, final) = await reply.StreamAnswerAsync(id, Stream(Final, "An AI Architect ", "designs AI systems. [1]"),
            a => new TurnReply(id, "q", a) { FollowUps = [followUp] }, CancellationToken.None);

        Assert.True(delivery.Delivered);
        Assert.Same(Final, final);
        var text = output.ToString();
        Assert.Equal(1, CountOf(text, "An AI Architect designs AI systems. [1]")); // not printed twice
        Assert.Contains("Sources:\n[1] ", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Next: 1) Education", text, StringComparison.Ordinal);
        Assert.Equal(id, reply.Last?.TurnId);
    }

    [Fact]
    public async Task A_final_answer_unlike_the_streamed_text_is_printed_whole_and_an_answer_that_arrives_whole_is_just_printed()
    {
        var output = new StringWriter();
        var reply = new ConsoleReply(output);
        var id = TurnId.New(DateTimeOffset.UnixEpoch);

        await reply.StreamAnswerAsync(id, Stream(Final, "Something the model said "), a => new TurnReply(id, "q", a), CancellationToken.None);
        Assert.Contains("(revised answer)", output.ToString(), StringComparison.Ordinal);

        var whole = new StringWriter();
        await new ConsoleReply(whole).StreamAnswerAsync(id, Stream(Final), a => new TurnReply(id, "q", a), CancellationToken.None);
        Assert.StartsWith("An AI Architect designs AI systems. [1]", whole.ToString(), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
