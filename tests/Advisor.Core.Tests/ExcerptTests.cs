using Advisor.Core.Answers;
using Advisor.Core.Retrieval;

namespace Advisor.Core.Tests;

/// <summary>Quotes are whole thoughts: no dangling connective, no sentence without the one it leans on, and a note when more is left.</summary>
public sealed class ExcerptTests
{
    private static readonly string[] Leaning = ["They ", "Their ", "These ", "This ", "Those ", "It ", "Its "];

    private static Answer Ask(string question) => ExtractiveComposer.Compose(Retriever.Retrieve(TestKnowledge.Snapshot, question, []));

    [Fact]
    public void A_dangling_connective_is_left_off_and_what_remains_is_verbatim()
    {
        var answer = Ask("what is AI engineering?");
        var citation = answer.Citations[0];

        Assert.Equal("AI Engineering", citation.Role);
        Assert.DoesNotContain("In contrast,", answer.Text, StringComparison.Ordinal);
        Assert.StartsWith("AI Engineering focuses on", citation.Quote, StringComparison.Ordinal);
        Assert.Contains(citation.Quote, TestKnowledge.Snapshot.SectionsById[citation.SectionId].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_paragraph_cut_short_says_how_much_more_the_section_holds_and_marks_the_gap()
    {
        var answer = Ask("do AI researchers publish papers?");
        var section = TestKnowledge.Snapshot.SectionsById[answer.Citations[0].SectionId];

        Assert.Contains("publish papers", answer.Text, StringComparison.Ordinal);
        var shown = section.Units.Count(u => answer.Text.Contains(u, StringComparison.Ordinal));
        Assert.True(shown < section.Units.Count);
        Assert.Contains($"(+{section.Units.Count - shown} more sentence", answer.Text, StringComparison.Ordinal);
        if (!answer.Text.Contains(section.Units[1], StringComparison.Ordinal) && answer.Text.Contains(section.Units[2], StringComparison.Ordinal))
        {
            Assert.Contains(" … ", answer.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_section_ever_shows_a_sentence_that_leans_on_one_it_leaves_out()
    {
        var knowledge = TestKnowledge.Snapshot;
        var focusWords = new[] { "work", "research", "systems", "models", "skills", "products", "users", "years" };
        foreach (var section in knowledge.Sections.Where(s => !s.IsList))
        {
            var stems = knowledge.Index.UnitStems[knowledge.PositionOf(section)];
            foreach (var word in focusWords)
            {
                foreach (var whole in new[] { true, false })
                {
                    var focus = knowledge.Index.Analyze(word).ToHashSet();
                    var excerpt = Excerpts.Pick(section, stems, focus, whole, 2);
                    var shownIndexes = excerpt.Shown.Select(u => section.Units.ToList().FindIndex(x => x.EndsWith(u, StringComparison.Ordinal))).ToList();
                    Assert.DoesNotContain(-1, shownIndexes);
                    for (var k = 0; k < shownIndexes.Count; k++)
                    {
                        var i = shownIndexes[k];
                        if (i > 0 && Leaning.Any(p => section.Units[i].StartsWith(p, StringComparison.Ordinal)))
                        {
                            Assert.Contains(i - 1, shownIndexes);
                        }
                    }

                    Assert.Equal(section.Units.Count - excerpt.Shown.Count, excerpt.More);
                }
            }
        }
    }
}
