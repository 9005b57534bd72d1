using Advisor.Core.Knowledge;

namespace Advisor.Core.Tests;

public sealed class KnowledgeLoaderTests
{
    [Fact]
    public void Files_that_cannot_be_parsed_are_reported_by_name_and_the_others_still_load()
    {
        using var folder = new TempFolder();
        folder.CopyRepositoryKnowledge();
        folder.Write("empty.txt", "   \n\n");
        File.WriteAllBytes(Path.Combine(folder.Path, "binary.md"), [0x50, 0x00, 0x01, 0x02]);
        File.WriteAllBytes(Path.Combine(folder.Path, "latin1.txt"), [0x43, 0x61, 0x66, 0xE9, 0x0A]);
        folder.Write("broken.md", "---\ntitle: never closed\n# Heading\nText.");
        folder.Write("notes.json", "{}"); // not a knowledge file: ignored
        folder.Write("README.md", "# About this folder"); // documentation: ignored

        var snapshot = KnowledgeSnapshot.Load(folder.Path);

        Assert.Equal(3, snapshot.Articles.Count);
        var errors = snapshot.Errors.ToDictionary(e => e.File, e => e.Reason);
        Assert.Equal(["binary.md", "broken.md", "empty.txt", "latin1.txt"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("binary", errors["binary.md"], StringComparison.Ordinal);
        Assert.Contains("never closed", errors["broken.md"], StringComparison.Ordinal);
        Assert.Contains("no text", errors["empty.txt"], StringComparison.Ordinal);
        Assert.Contains("UTF-8", errors["latin1.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_an_error_naming_the_folder()
    {
        using var folder = new TempFolder();
        var empty = Assert.Throws<KnowledgeLoadException>(() => KnowledgeSnapshot.Load(folder.Path));
        Assert.Contains("has no .txt or .md files", empty.Message, StringComparison.Ordinal);

        var missing = Path.Combine(folder.Path, "nope");
        var ex = Assert.Throws<KnowledgeLoadException>(() => KnowledgeSnapshot.Load(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_in_subfolders_load_with_their_relative_path_in_the_id()
    {
        using var folder = new TempFolder();
        folder.Write("careers/ml/roles.txt", "Data Scientist vs. Data Engineer\nResponsibilities\nData Scientist\n- Builds models.\nData Engineer\n- Builds pipelines.\n");
        var snapshot = KnowledgeSnapshot.Load(folder.Path);
        Assert.Contains(snapshot.Sections, s => s.Id == "careers/ml/roles.txt#responsibilities/data-scientist");
    }

    [Fact]
    public async Task Reload_reports_changes_and_a_failed_reload_keeps_the_last_good_knowledge()
    {
        using var folder = new TempFolder();
        folder.CopyRepositoryKnowledge();
        using var services = TestKnowledge.Services(folder.Path);
        var store = (IKnowledgeStore)services.GetService(typeof(IKnowledgeStore))!;
        var before = store.Current;

        var path = Path.Combine(folder.Path, "ai-architect-vs-ml-research-engineer.txt");
        File.WriteAllText(path, File.ReadAllText(path).Replace("Telecommunications", "Space exploration", StringComparison.Ordinal));
        folder.Write("data-roles.md", "# Data Scientist vs. Data Engineer\n## Responsibilities\n### Data Scientist\n- Builds models.\n### Data Engineer\n- Builds pipelines.\n");
        var report = await store.ReloadAsync();

        Assert.True(report.Succeeded);
        Assert.Equal(before.Version, report.PreviousVersion);
        Assert.NotEqual(before.Version, report.Version);
        Assert.Equal(["data-roles.md"], report.ArticlesAdded);
        Assert.Equal(["ai-architect-vs-ml-research-engineer.txt"], report.ArticlesChanged);
        Assert.Equal(["ai-architect-vs-ml-research-engineer.txt#common-industries/ai-architect"], report.SectionsChanged);
        Assert.Equal(["Data Scientist", "Data Engineer"], report.RolesAdded);
        Assert.Contains("Space exploration", store.Current.SectionsById["ai-architect-vs-ml-research-engineer.txt#common-industries/ai-architect"].Text, StringComparison.Ordinal);

        foreach (var file in Directory.GetFiles(folder.Path))
        {
            File.Delete(file);
        }

        var failed = await store.ReloadAsync();
        Assert.False(failed.Succeeded);
        Assert.Contains("no .txt or .md files", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal(report.Version, store.Current.Version);
        Assert.Contains("Reload failed", failed.Summary(), StringComparison.Ordinal);
    }
}
