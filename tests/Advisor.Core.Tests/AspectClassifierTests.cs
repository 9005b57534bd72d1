using Advisor.Core.Understanding;

namespace Advisor.Core.Tests;

/// <summary>The learned reader: naive Bayes over a question's stems and stem pairs, chosen among the aspects allowed.</summary>
public sealed class AspectClassifierTests
{
    private static readonly AspectClassifier Small = AspectClassifier.Train(
    [
        ("tools", Words("which software do they use")),
        ("tools", Words("what apps and software are used")),
        ("education", Words("which degree do they study")),
        ("education", Words("do i need a masters degree")),
        ("industries", Words("which companies hire them")),
    ]);

    private static string[] Words(string text) => text.Split(' ');

    [Fact]
    public void It_guesses_the_aspect_whose_examples_share_the_words()
    {
        var guess = Small.Guess(Words("what software would i use"), ["tools", "education", "industries"]);
        Assert.Equal("tools", guess?.Aspect);
        Assert.True(guess!.Value.Probability > 0.5);

        Assert.Equal("education", Small.Guess(Words("is a degree needed"), ["tools", "education", "industries"])?.Aspect);
    }

    [Fact]
    public void It_chooses_only_among_the_candidates_and_says_nothing_without_a_known_word()
    {
        // Tools is not a candidate (the roles asked about have no tools section): the best of the others, and its
        // probability among them only.
        var guess = Small.Guess(Words("what software would i use"), ["education", "industries"]);
        Assert.NotEqual("tools", guess?.Aspect);

        Assert.Null(Small.Guess(Words("zebra xylophone"), ["tools", "education"]));
        Assert.Null(Small.Guess(Words("which software"), ["pay"]));
    }

    [Fact]
    public void The_shipped_classifier_reads_stems_so_word_forms_do_not_matter()
    {
        Assert.Equal(AspectClassifier.Features(Words("hiring companies")), AspectClassifier.Features(Words("hire company")));
        Assert.True(AspectClassifier.Default.ExampleCount > 500);
    }
}
