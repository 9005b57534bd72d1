using Advisor.Core.Knowledge;

namespace Advisor.Models.Tests;

public sealed class GroundingTests
{
    private static readonly KnowledgeSection Section = new()
    {
        Id = "a.txt#skills/ai-architect",
        File = "a.txt",
        ArticleTitle = "A",
        Topic = "Skills",
        Role = "AI Architect",
        Units = ["Proficiency in  cloud platforms (AWS, Azure)", "A \u201Cstrong\u201D grasp of system design \u2014 at scale"],
        IsList = true,
    };

    private static readonly Dictionary<string, KnowledgeSection> Citable = new() { [Section.Id] = Section };

    [Theory]
    [InlineData("proficiency in cloud platforms", "Proficiency in  cloud platforms")]
    [InlineData("a \"strong\" grasp of system design - at scale", "A \u201Cstrong\u201D grasp of system design \u2014 at scale")]
    [InlineData("cloud platforms (AWS, Azure)\nA", "cloud platforms (AWS, Azure)\nA")]
    public void A_quote_matches_despite_case_whitespace_and_typographic_quotes_and_the_section_text_is_kept(string quote, string verbatim) =>
        Assert.Equal(verbatim, Grounding.FindVerbatim(Section.Text, quote));

    [Theory]
    [InlineData("proficiency in kubernetes")]
    [InlineData("in")]
    [InlineData("")]
    public void A_quote_that_does_not_occur_or_is_too_short_is_rejected(string quote) =>
        Assert.Null(Grounding.FindVerbatim(Section.Text, quote));

    [Fact]
    public void Markers_become_numbers_per_section_and_bad_ones_disappear()
    {
        var raw = "Cloud matters [[a.txt#skills/ai-architect | \"cloud platforms\"]]. So does design [[a.txt#skills/ai-architect|\u201Csystem design\u201D]]. "
            + "And magic [[b.txt#nope | \"magic\"]]. No quote [[a.txt#skills/ai-architect]].";

        var result = Grounding.Check(raw, Citable);

        Assert.Equal("Cloud matters [1]. So does design [1]. And magic. No quote.", result.Text);
        Assert.Equal("cloud platforms", Assert.Single(result.Citations).Quote);
        Assert.Equal(2, result.Removed);
    }

    [Theory]
    [InlineData("Text so far [[a.txt#sk", "Text so far ")]
    [InlineData("Text [[a.txt#s | \"q\"]] more [", "Text  more ")]
    [InlineData("Done.", "Done.")]
    public void Streaming_never_shows_a_marker(string raw, string visible) =>
        Assert.Equal(visible, Grounding.Visible(raw));

    public static TheoryData<int> ChunkSizes => [1, 2, 3, 5, 7, 11, 40, 1000];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Streamed_text_in_any_chunking_shows_no_marker_and_no_live_mention_and_matches_the_whole(int size)
    {
        const string raw = "Hi @everyone, see [[a.txt#skills/ai-architect | \"cloud platforms (AWS, Azure)\"]] and ask <@U123|some name> "
            + "or <!channel> today. Odd [[ text ] stays. Ends with [[a.txt#s | \"open quote";
        var streamed = new StreamedText();
        var shown = new System.Text.StringBuilder();
        for (var i = 0; i < raw.Length; i += size)
        {
            var delta = streamed.Add(raw.Substring(i, Math.Min(size, raw.Length - i)));
            shown.Append(delta);

            // Whatever has been shown so far is final: no marker, nothing that pings.
            Assert.DoesNotContain("[[a.txt", shown.ToString(), StringComparison.Ordinal);
            Assert.False(Advisor.Core.Answers.MentionGuard.HasMention(shown.ToString()), shown.ToString());
        }

        // The same text as checking the whole at once: markers removed, mentions neutralized, the open marker held back.
        var whole = Advisor.Core.Answers.MentionGuard.Neutralize(Grounding.StripMarkers(raw[..raw.IndexOf("[[a.txt#s |", StringComparison.Ordinal)]));
        Assert.Equal(whole, shown.ToString());
        Assert.Equal(raw, streamed.Raw);
    }

    [Fact]
    public void A_cut_never_falls_inside_a_complete_marker_or_a_mention()
    {
        Assert.Equal("see ".Length, Grounding.SettledLength("see [[a.txt#s | \"two words\"]]"));
        Assert.Equal("ask ".Length, Grounding.SettledLength("ask <@U1|a b>"));
        Assert.Equal(0, Grounding.SettledLength("<@U1 and more text"));
    }
}
