using Lucene.Net.Tartarus.Snowball.Ext;
using Microsoft.ML.Tokenizers;

namespace Advisor.Core.Understanding;

/// <summary>
/// Tells an ordinary English word from a typo. A word that the cl100k vocabulary (about 100,000 pieces learned from a
/// large body of English text) holds whole, as one piece after a space, is a word people write often enough to be
/// a word in its own right ("strokes", "regression", "monitoring"); a typo is split into pieces ("eduction",
/// "sceintist"). The speller leaves the first kind alone: correcting a real word to the nearest word the knowledge
/// knows turns "broad strokes" into a strike.
/// </summary>
internal static class EnglishWords
{
    // Loaded on a pool thread, with no synchronization context: should the library wait on asynchronous work while
    // loading, a caller's context (a test runner's) cannot deadlock it. (A core-test run hung once before this; the
    // cause was not confirmed.)
    private static readonly Lazy<Tokenizer> Vocabulary = new(() => Task.Run(() => TiktokenTokenizer.CreateForEncoding("cl100k_base")).GetAwaiter().GetResult());

    /// <summary>True when the lower-case word is one whole piece of the vocabulary.</summary>
    public static bool IsWhole(string word) =>
        word.Length > 0 && word.All(char.IsAsciiLetterLower) && Vocabulary.Value.CountTokens(" " + word) == 1;

    /// <summary>True when the two words share their English stem ("annotation" and "annotator", "producing" and "produce").</summary>
    public static bool SameStem(string a, string b) => Stem(a) == Stem(b);

    private static string Stem(string word)
    {
        var stemmer = new EnglishStemmer();
        stemmer.SetCurrent(word);
        stemmer.Stem();
        return stemmer.Current;
    }
}
