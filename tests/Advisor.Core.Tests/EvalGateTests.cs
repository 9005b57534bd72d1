using Advisor.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Core.Tests;

/// <summary>A knowledge folder's eval file is run on every reload; a version scoring below the floor is not served.</summary>
public sealed class EvalGateTests : IDisposable
{
    private const string ArchitectFile = "ai-architect-vs-ml-research-engineer.txt";
    private readonly TempFolder _folder = new();

    public EvalGateTests()
    {
        _folder.CopyRepositoryKnowledge();
        _folder.Write("eval.jsonl", string.Join('\n',
            """{"id": "1", "question": "whats the education needed for an AI architect", "expect": "answer", "sections": ["ai-architect-vs-ml-research-engineer.txt#educational-backgrounds/ai-architect"]}""",
            """{"id": "2", "question": "who hires ai architects", "expect": "answer", "sections": ["ai-architect-vs-ml-research-engineer.txt#common-industries/ai-architect"]}""",
            """{"id": "3", "question": "what skills does a data analyst need?", "expect": "uncovered-role"}""",
            """{"id": "4", "question": "thanks!", "expect": "small-talk"}""",
            "this line is not JSON"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_reload_scoring_below_the_floor_keeps_the_last_good_knowledge_and_says_why()
    {
        using var services = TestKnowledge.Services(_folder.Path);
        var store = services.GetRequiredService<IKnowledgeStore>();
        var good = store.Current.Version;

        // An edit that loses the AI Architect's sections: the eval's first two questions now fail (2/4 = 50% < 90%).
        var path = Path.Combine(_folder.Path, ArchitectFile);
        var original = File.ReadAllText(path);
        File.WriteAllText(path, original.Replace("\nAI Architect\n", "\nArchitecture Notes\n", StringComparison.Ordinal).Replace("AI Architect:", "Architecture notes:", StringComparison.Ordinal));
        var refused = await store.ReloadAsync();

        Assert.False(refused.Succeeded);
        Assert.Equal(good, store.Current.Version);
        Assert.NotNull(refused.Eval);
        Assert.False(refused.Eval.Passed);
        Assert.Equal(4, refused.Eval.Total);
        Assert.True(refused.Eval.Right < 4);
        Assert.Contains("below the floor", refused.FailureReason, StringComparison.Ordinal);
        Assert.Contains("below the floor", refused.Summary(), StringComparison.Ordinal);
        Assert.Contains(refused.Eval.Misses, m => m.StartsWith("1:", StringComparison.Ordinal));
        Assert.Single(refused.Eval.Errors); // the line that is not JSON is reported, not fatal

        // Put right: the reload serves, with its score in the report.
        File.WriteAllText(path, original + "\n");
        var served = await store.ReloadAsync();
        Assert.True(served.Succeeded);
        Assert.NotEqual(good, store.Current.Version);
        Assert.Equal((4, 4, true), (served.Eval!.Right, served.Eval.Total, served.Eval.Passed));
        Assert.Contains("Eval eval.jsonl: 4/4 right (100.0%), floor 90%.", served.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_eval_file_reloads_are_not_judged()
    {
        File.Delete(Path.Combine(_folder.Path, "eval.jsonl"));
        using var services = TestKnowledge.Services(_folder.Path);
        var report = await services.GetRequiredService<IKnowledgeStore>().ReloadAsync();

        Assert.True(report.Succeeded);
        Assert.Null(report.Eval);
    }
}
