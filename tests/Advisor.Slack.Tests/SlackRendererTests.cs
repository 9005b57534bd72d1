using Advisor.Core.Answers;

namespace Advisor.Slack.Tests;

public sealed class SlackRendererTests
{
    private static Answer LongAnswer(int paragraphs, int citations)
    {
        var text = string.Join("\n\n", Enumerable.Range(1, paragraphs).Select(p =>
            $"Paragraph {p} & <more>:\n" + string.Join('\n', Enumerable.Range(1, 6).Select(i => $"- point {p}.{i}: " + new string('x', 60) + $" [{1 + (i % citations)}]"))));
        return new Answer
        {
            Text = text,
            Citations = Enumerable.Range(1, citations).Select(i => new Citation($"Article {i}", "Skills", "AI Architect", $"a{i}.txt", "quote")).ToList(),
        };
    }

    private static IEnumerable<string> SectionTexts(IEnumerable<SlackMessage> messages) =>
        messages.SelectMany(m => m.Blocks).Where(b => (string?)b["type"] == "section").Select(b => (string)b["text"]!["text"]!);

    [Fact]
    public void An_answer_longer_than_one_section_is_split_within_limits_and_loses_nothing()
    {
        var answer = LongAnswer(paragraphs: 20, citations: 3);
        Assert.True(answer.Text.Length > SlackRenderer.MaxSectionText * 2);

        var messages = SlackRenderer.Answer(answer);

        var sections = SectionTexts(messages).ToList();
        Assert.True(sections.Count >= 3);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackRenderer.MaxSectionText));
        Assert.All(messages, m => Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage));
        var rejoined = string.Concat(string.Join("", sections).Where(c => !char.IsWhiteSpace(c)));
        var original = string.Concat(SlackRenderer.Escape(answer.Text).Where(c => !char.IsWhiteSpace(c)));
        Assert.Equal(original, rejoined);
        Assert.All(sections, s => Assert.True(s.StartsWith("Paragraph", StringComparison.Ordinal) || s.StartsWith("- point", StringComparison.Ordinal), s[..20]));
        Assert.All(sections, s => Assert.DoesNotContain("<", s, StringComparison.Ordinal));
        var context = messages[^1].Blocks[^1];
        Assert.Equal("context", (string?)context["type"]);
        Assert.Equal("[1] Article 1 › Skills › AI Architect", (string?)context["elements"]![0]!["text"]);
    }

    [Fact]
    public void An_answer_needing_more_than_fifty_blocks_goes_out_as_several_messages()
    {
        var answer = LongAnswer(paragraphs: 400, citations: 25);

        var messages = SlackRenderer.Answer(answer);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage));
        Assert.All(messages, m => Assert.InRange(m.Blocks.Sum(b => b.ToJsonString().Length), 1, SlackRenderer.MaxCharsPerMessage));
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m.Text)));
        var contexts = messages.SelectMany(m => m.Blocks).Where(b => (string?)b["type"] == "context").ToList();
        Assert.Equal(3, contexts.Count); // 25 citations, 10 per context block
        Assert.All(contexts, c => Assert.InRange(c["elements"]!.AsArray().Count, 1, SlackRenderer.MaxContextElements));
    }

    [Fact]
    public void Nothing_in_an_answer_can_ping_or_link()
    {
        var answer = new Answer
        {
            Text = "Hey <!channel> and <@U123> & <https://evil.example|click> @here",
            Citations = [new Citation("<!here> Article", "Section", null, "f.txt", "q")],
        };

        var message = SlackRenderer.Answer(answer)[0];
        var json = message.ToJson().ToJsonString();

        Assert.DoesNotContain("<!", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<http", json, StringComparison.Ordinal);
        Assert.Contains("&amp;", (string?)message.Blocks[0]["text"]!["text"], StringComparison.Ordinal);
        Assert.Contains("&lt;", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_does_not_cut_an_escape_entity_or_exceed_the_limit()
    {
        var text = new string('a', 2998) + "&amp;" + new string('b', 10);

        var pieces = SlackRenderer.Split(text, 3000);

        Assert.Equal(2, pieces.Count);
        Assert.Equal(new string('a', 2998), pieces[0]);
        Assert.StartsWith("&amp;", pieces[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_notice_is_escaped_and_split_into_valid_sections()
    {
        var raw = "Reloaded <knowledge> & more:\n" + string.Join('\n', Enumerable.Range(1, 120).Select(i => $"Not loaded: file-{i}.txt <bad> " + new string('y', 40)));
        Assert.True(raw.Length > SlackRenderer.MaxSectionText);

        var messages = SlackRenderer.Notice(raw);

        var sections = SectionTexts(messages).ToList();
        Assert.True(sections.Count >= 2);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackRenderer.MaxSectionText));
        Assert.All(messages, m => Assert.InRange(m.Text.Length, 1, SlackRenderer.MaxSectionText));
        Assert.Equal(
            string.Concat(SlackRenderer.Escape(raw).Where(c => !char.IsWhiteSpace(c))),
            string.Concat(string.Concat(sections).Where(c => !char.IsWhiteSpace(c))));
        Assert.All(sections, s => Assert.DoesNotContain("<", s, StringComparison.Ordinal));
    }

    [Fact]
    public void A_quoted_question_goes_through_the_same_limits_and_the_answer_loses_nothing()
    {
        // 400 paragraphs fill several messages to the block and size budgets; the quote must not push anything out.
        var answer = LongAnswer(paragraphs: 400, citations: 25);
        var question = "What does an <AI Architect> do?\n" + new string('q', 5000);

        var messages = SlackRenderer.Answer(answer, question);

        Assert.All(messages, m => Assert.InRange(m.Blocks.Count, 1, SlackRenderer.MaxBlocksPerMessage));
        Assert.All(messages, m => Assert.InRange(m.Blocks.Sum(b => b.ToJsonString().Length), 1, SlackRenderer.MaxCharsPerMessage));
        var sections = SectionTexts(messages).ToList();
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackRenderer.MaxSectionText));
        var quote = sections.TakeWhile(s => s.StartsWith("> ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(quote);
        Assert.StartsWith("> What does an &lt;AI Architect&gt; do?\n> qqq", quote[0], StringComparison.Ordinal);
        Assert.True(string.Concat(quote).Length < 2000, "the question is quoted shortened");
        Assert.Equal(
            string.Concat(SlackRenderer.Escape(answer.Text).Where(c => !char.IsWhiteSpace(c))),
            string.Concat(string.Concat(sections.Skip(quote.Count)).Where(c => !char.IsWhiteSpace(c))));
        Assert.Equal(25, messages.SelectMany(m => m.Blocks).Where(b => (string?)b["type"] == "context").Sum(b => b["elements"]!.AsArray().Count));
    }
}
