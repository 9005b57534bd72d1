namespace Advisor.Benchmarks;

/// <summary>
/// Builds a knowledge folder of N articles for scale measurements: each is one of the repository's articles
/// with its two roles renamed to roles of a synthetic field, so every article adds distinct roles and sections.
/// </summary>
internal static class SyntheticKnowledge
{
    private static readonly string[] Fields =
    [
        "Vision", "Speech", "Robotics", "Search", "Fraud", "Pricing", "Genomics", "Climate", "Finance", "Health", "Retail", "Security",
        "Language", "Graph", "Edge", "Quantum", "Energy", "Logistics", "Media", "Gaming", "Legal", "Travel", "Sports", "Music",
        "Farming", "Mining", "Ocean", "Space", "Traffic", "Weather", "Chemistry", "Physics",
    ];

    private static readonly string[] Levels = ["Junior", "Senior", "Staff", "Principal", "Lead", "Chief", "Associate", "Applied", "Platform", "Product", "Research", "Field", "Cloud", "Data", "Systems", "Quality", "Safety", "Growth", "Core", "Mobile", "Web", "Infra", "Tooling", "Test", "Ops", "Insight", "Model", "Signal", "Sensor", "Network", "Compute", "Storage"];

    public static string Create(string seedFolder, int articles)
    {
        var target = Path.Combine(Path.GetTempPath(), $"advisor-bench-{articles}");
        if (Directory.Exists(target) && Directory.GetFiles(target).Length == articles)
        {
            return target;
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        var seeds = Directory.GetFiles(seedFolder, "*.txt").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        (string A, string B)[] roles = [("AI Architect", "Machine Learning Research Engineer"), ("AI Research", "AI Engineering"), ("AI Scientist", "Machine Learning Research Engineer")];
        for (var i = 0; i < articles; i++)
        {
            var seed = i % seeds.Length;
            var prefix = $"{Levels[i / Fields.Length % Levels.Length]} {Fields[i % Fields.Length]}";
            var text = seeds[seed];
            if (i >= seeds.Length)
            {
                var (a, b) = roles[seed];
                text = text.Replace(b, $"{prefix} {b.Split(' ')[^1]}", StringComparison.Ordinal)
                           .Replace(a, $"{prefix} {a.Split(' ')[^1]}", StringComparison.Ordinal);
                if (seed == 1)
                {
                    text = text.Replace("AI research", $"{prefix} Research", StringComparison.Ordinal).Replace("AI engineering", $"{prefix} Engineering", StringComparison.Ordinal);
                }
            }

            File.WriteAllText(Path.Combine(target, $"article-{i:0000}.txt"), text);
        }

        return target;
    }
}
