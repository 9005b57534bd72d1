using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests.Quality;

/// <summary>
/// The knowledge the quality sets are written against: the repository's three articles and the Markdown article the
/// tests add (Quality/extra), loaded once from a temporary folder.
/// </summary>
internal static class EvalKnowledge
{
    private static readonly Lazy<KnowledgeSnapshot> Shared = new(Load);

    public static string QualityFolder => Path.Combine(AppContext.BaseDirectory, "Quality");

    public static KnowledgeSnapshot Snapshot => Shared.Value;

    /// <summary>Copies the articles into a new folder (the caller deletes it).</summary>
    public static void CopyTo(string folder)
    {
        foreach (var file in Directory.GetFiles(TestKnowledge.Folder).Concat(Directory.GetFiles(Path.Combine(QualityFolder, "extra"), "*.md")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    private static KnowledgeSnapshot Load()
    {
        using var folder = new TempFolder();
        CopyTo(folder.Path);
        return KnowledgeSnapshot.Load(folder.Path);
    }
}
