namespace Advisor.Core.Retrieval;

/// <summary>
/// Words people type that articles spell differently: abbreviations and everyday names for the things the
/// articles name formally ("IDE" → "development environment", "PhD" → "Ph.D.", "stats" → "statistics").
/// Expansions are added to the query with a lower weight; the typed word still counts.
/// </summary>
internal static class QueryExpansion
{
    private static readonly Dictionary<string, string> Expansions = new(StringComparer.Ordinal)
    {
        ["ide"] = "development environments",
        ["eval"] = "evaluation",
        ["evals"] = "evaluation",
        ["ides"] = "development environments",
        ["editor"] = "development environments",
        ["editors"] = "development environments",
        ["phd"] = "ph.d doctorate",
        ["doctorate"] = "ph.d",
        ["math"] = "mathematics mathematical",
        ["maths"] = "mathematics mathematical",
        ["stats"] = "statistics statistical",
        ["ml"] = "machine learning",
        ["dl"] = "deep learning",
        ["nlp"] = "natural language processing",
        ["cv"] = "computer vision",
        ["llm"] = "natural language processing models",
        ["llms"] = "natural language processing models",
        ["aws"] = "cloud platforms",
        ["gcp"] = "google cloud platforms",
        ["git"] = "version control",
        ["paper"] = "publish research findings academic journals",
        ["papers"] = "publish research findings academic journals",
        ["uni"] = "degree university",
        ["college"] = "degree",
        ["university"] = "degree",
        ["masters"] = "master’s degree",
        ["bachelors"] = "bachelor’s degree",
        ["prod"] = "production",
        ["infra"] = "infrastructure",
        ["algo"] = "algorithms",
        ["algos"] = "algorithms",
        ["pubs"] = "publish research findings academic journals",
        ["comms"] = "communication",
        ["biz"] = "business",
        ["py"] = "python",
    };

    /// <summary>The expansion text for the words of a question (empty when none applies).</summary>
    public static string For(IEnumerable<string> words)
    {
        var parts = words.Select(w => Expansions.GetValueOrDefault(w)).OfType<string>().Distinct().ToList();
        return parts.Count == 0 ? "" : string.Join(' ', parts);
    }

    /// <summary>True when the word has an expansion (so it is not "unknown" to the knowledge).</summary>
    public static bool Knows(string word) => Expansions.ContainsKey(word);
}
