using System.Globalization;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Advisor.Core.Understanding;

/// <summary>
/// A second reader for what a question asks about, learned from examples instead of written as rules: multinomial naive
/// Bayes over the stems (and pairs of neighbouring stems) of chat questions, each labelled with the aspect of the section
/// that answers it ("skills", "industries", "summary", …), or "profile" for a question about a role as a whole. Role
/// names are taken out of the examples and of the question, so what it learns is how people word an aspect, not which
/// role they ask about.
/// </summary>
/// <remarks>
/// The examples (<c>aspect-examples.tsv</c>, embedded) are generated from the quality sets the project may tune on
/// (<c>AspectExampleTests</c> keeps the file in step with them); a held-out set never goes in. The labels are the aspect
/// tags <see cref="Retrieval.AspectLexicon"/> gives headings, so a knowledge folder about other careers reads the same.
/// </remarks>
internal sealed class AspectClassifier
{
    /// <summary>The additive smoothing of feature counts.</summary>
    public const double Smoothing = 0.1;

    private const string ResourceName = "Advisor.Core.Understanding.aspect-examples.tsv";

    private static readonly Lazy<IReadOnlyList<(string Label, IReadOnlyList<string> Words)>> Embedded = new(LoadEmbedded);

    private static readonly Lazy<AspectClassifier> SharedAspects = new(() => TrainAspects(Embedded.Value));

    private static readonly Lazy<AspectClassifier> SharedChat = new(() => TrainChat(Embedded.Value));

    // Readers trained on part of the examples, used instead of the shared ones in this async flow (see Substitute).
    private static readonly AsyncLocal<(AspectClassifier Aspects, AspectClassifier Chat)?> Substituted = new();

    private static readonly EnglishAnalyzer Analyzer = new(LuceneVersion.LUCENE_48);

    private readonly Dictionary<string, Dictionary<string, int>> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _examples = new(StringComparer.Ordinal);
    private readonly HashSet<string> _vocabulary = new(StringComparer.Ordinal);
    private int _exampleCount;

    private AspectClassifier()
    {
    }

    /// <summary>Labels of aspect examples start with this ("aspect/skills").</summary>
    public const string AspectPrefix = "aspect/";

    /// <summary>The label of the aspect examples that ask for a profile of a role as a whole ("give me the big picture on X"): not an aspect of any section.</summary>
    public const string ProfileLabel = "profile";

    /// <summary>Labels of examples of messages that ask no career question start with this: "chat/small-talk" (talk to the bot or the channel) and "chat/off-topic" (a question about something else).</summary>
    public const string ChatPrefix = "chat/";

    /// <summary>The label <see cref="Chat"/> gives a message that talks to the bot or the channel.</summary>
    public const string SmallTalkLabel = "small-talk";

    /// <summary>The label <see cref="Chat"/> gives a question about something other than careers.</summary>
    public const string OffTopicLabel = "off-topic";

    /// <summary>The label <see cref="Chat"/> gives a career question about something the articles don't cover ("do companies pay relocation", "which bootcamp exactly").</summary>
    public const string UncoveredTopicLabel = "uncovered-topic";

    /// <summary>The label <see cref="Chat"/> gives a career question (learned from the aspect examples).</summary>
    public const string CareerLabel = "career";

    /// <summary>Which aspect a question asks about, trained on the embedded examples (once per process).</summary>
    public static AspectClassifier Default => Substituted.Value?.Aspects ?? SharedAspects.Value;

    /// <summary>
    /// Whether a message is small talk, a question about something other than careers, a career question about something
    /// the articles don't cover, or a career question, trained on the embedded examples (once per process); its labels are
    /// <see cref="SmallTalkLabel"/>, <see cref="OffTopicLabel"/>, <see cref="UncoveredTopicLabel"/> and
    /// <see cref="CareerLabel"/> (the aspect examples).
    /// </summary>
    public static AspectClassifier Chat => Substituted.Value?.Chat ?? SharedChat.Value;

    /// <summary>How many examples it learned from.</summary>
    public int ExampleCount => _exampleCount;

    /// <summary>The aspect reader, trained on the "aspect/…" examples of labelled (label, words) examples.</summary>
    public static AspectClassifier TrainAspects(IEnumerable<(string Label, IReadOnlyList<string> Words)> labelled) =>
        Train(labelled.Where(e => e.Label.StartsWith(AspectPrefix, StringComparison.Ordinal)).Select(e => (e.Label[AspectPrefix.Length..], e.Words)));

    /// <summary>The chat reader, trained on the "chat/…" examples; its last label: every aspect example (and every profile example) is a career question.</summary>
    public static AspectClassifier TrainChat(IEnumerable<(string Label, IReadOnlyList<string> Words)> labelled) =>
        Train(labelled
            .Where(e => e.Label.StartsWith(ChatPrefix, StringComparison.Ordinal) || e.Label.StartsWith(AspectPrefix, StringComparison.Ordinal))
            .Select(e => (e.Label.StartsWith(ChatPrefix, StringComparison.Ordinal) ? e.Label[ChatPrefix.Length..] : CareerLabel, e.Words)));

    /// <summary>
    /// Until the result is disposed, <see cref="Default"/> and <see cref="Chat"/> in this async flow are readers trained on
    /// <paramref name="labelled"/> examples only: how a test measures the readers on questions they did not learn from.
    /// </summary>
    internal static IDisposable Substitute(IReadOnlyList<(string Label, IReadOnlyList<string> Words)> labelled)
    {
        var restore = new Restore(Substituted.Value);
        Substituted.Value = (TrainAspects(labelled), TrainChat(labelled));
        return restore;
    }

    private sealed class Restore((AspectClassifier Aspects, AspectClassifier Chat)? previous) : IDisposable
    {
        public void Dispose() => Substituted.Value = previous;
    }

    /// <summary>Learns from (label, words) examples.</summary>
    public static AspectClassifier Train(IEnumerable<(string Aspect, IReadOnlyList<string> Words)> examples)
    {
        var classifier = new AspectClassifier();
        foreach (var (aspect, words) in examples)
        {
            classifier._exampleCount++;
            classifier._examples[aspect] = classifier._examples.GetValueOrDefault(aspect) + 1;
            if (!classifier._counts.TryGetValue(aspect, out var counts))
            {
                classifier._counts[aspect] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            foreach (var feature in Features(words))
            {
                counts[feature] = counts.GetValueOrDefault(feature) + 1;
                classifier._totals[aspect] = classifier._totals.GetValueOrDefault(aspect) + 1;
                classifier._vocabulary.Add(feature);
            }
        }

        return classifier;
    }

    /// <summary>Reads examples as the embedded file holds them: one per line, the aspect, a tab, the question's words.</summary>
    public static IEnumerable<(string Aspect, IReadOnlyList<string> Words)> ReadExamples(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0 || line.StartsWith('#'))
            {
                continue;
            }

            yield return (line[..tab], line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    /// <summary>
    /// The most likely aspect among <paramref name="candidates"/> for a question's words (role names already left out),
    /// and its probability among them; null when no word of the question was seen in the examples.
    /// </summary>
    public (string Aspect, double Probability)? Guess(IReadOnlyList<string> words, IEnumerable<string> candidates) => Guess(Features(words), candidates);

    /// <summary>As <see cref="Guess(IReadOnlyList{string}, IEnumerable{string})"/>, from the question's <see cref="Features"/> (computed once when several guesses are made).</summary>
    public (string Aspect, double Probability)? Guess(IReadOnlySet<string> questionFeatures, IEnumerable<string> candidates)
    {
        var features = questionFeatures.Where(_vocabulary.Contains).ToList();
        if (features.Count == 0 || _exampleCount == 0)
        {
            return null;
        }

        var scores = new List<(string Aspect, double Score)>();
        foreach (var aspect in candidates.Distinct(StringComparer.Ordinal))
        {
            if (!_counts.TryGetValue(aspect, out var counts))
            {
                continue;
            }

            var denominator = _totals.GetValueOrDefault(aspect) + (Smoothing * _vocabulary.Count);
            var score = Math.Log((double)_examples[aspect] / _exampleCount);
            foreach (var feature in features)
            {
                score += Math.Log((counts.GetValueOrDefault(feature) + Smoothing) / denominator);
            }

            scores.Add((aspect, score));
        }

        if (scores.Count == 0)
        {
            return null;
        }

        var best = scores.MaxBy(s => s.Score);
        var sum = scores.Sum(s => Math.Exp(s.Score - best.Score));
        return (best.Aspect, 1 / sum);
    }

    /// <summary>A question's words without the roles it names (also those naming an article): what the classifier reads.</summary>
    public static IReadOnlyList<string> WordsOf(QuestionReading reading) =>
        [.. reading.Words.Where((_, i) => !reading.Mentions.Any(m => m.Start <= i && i < m.Start + m.Length) && !reading.ArticleName.Contains(i))];

    /// <summary>The question's features: each stem once, and each pair of neighbouring stems once.</summary>
    public static HashSet<string> Features(IReadOnlyList<string> words)
    {
        var stems = new List<string>();
        using (var stream = Analyzer.GetTokenStream("q", string.Join(' ', words)))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                stems.Add(term.ToString());
            }

            stream.End();
        }

        var features = new HashSet<string>(stems, StringComparer.Ordinal);
        for (var i = 1; i < stems.Count; i++)
        {
            features.Add(string.Create(CultureInfo.InvariantCulture, $"{stems[i - 1]}_{stems[i]}"));
        }

        return features;
    }

    private static IReadOnlyList<(string Label, IReadOnlyList<string> Words)> LoadEmbedded()
    {
        using var stream = typeof(AspectClassifier).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            throw new InvalidOperationException($"The assembly lacks its embedded {ResourceName}.");
        }

        using var reader = new StreamReader(stream);
        return ReadExamples(reader).ToList();
    }
}
