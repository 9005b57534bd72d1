using Advisor.Core.Knowledge;
using Advisor.Core;
using Advisor.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Core.Tests;

/// <summary>The repository's knowledge folder, loaded once for the tests that only read it.</summary>
internal static class TestKnowledge
{
    private static readonly Lazy<KnowledgeSnapshot> Shared = new(() => KnowledgeSnapshot.Load(Folder));

    public static string RepoRoot { get; } = RepoPaths.RepoRoot();

    public static string Folder => Path.Combine(RepoRoot, "knowledge");

    public static KnowledgeSnapshot Snapshot => Shared.Value;

    /// <summary>The Markdown single-role article the quality tests add beside the shipped ones (read, never changed).</summary>
    public static string PromptEngineerArticle => Path.Combine(RepoRoot, "tests", "Advisor.Core.Tests", "Quality", "extra", "prompt-engineer.md");

    /// <summary>A fully wired core over a knowledge folder (the repository's by default).</summary>
    public static ServiceProvider Services(string? knowledgeFolder = null, Action<IServiceCollection>? configure = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = knowledgeFolder ?? Folder,
            ["Advisor:PromptsPath"] = Path.Combine(RepoRoot, "prompts"),
        }).Build();
        var services = new ServiceCollection();
        services.AddAdvisorCore(config);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "advisor-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void CopyFile(string source) => File.Copy(source, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(source)));

    public void CopyRepositoryKnowledge()
    {
        foreach (var file in Directory.GetFiles(TestKnowledge.Folder))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
