using Advisor.Core.Answers;

namespace Advisor.Host.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_questions_asked_during_repeated_reloads_are_each_answered_exactly_once()
    {
        using var knowledge = Paths.CopyKnowledge();
        await using var worker = await TestWorker.StartAsync(knowledge.Folder, new Dictionary<string, string?> { ["Advisor:Reload:WatchFiles"] = "false" });
        var platform = "load-" + Guid.NewGuid().ToString("N")[..8];
        var article = knowledge.FileOf("ai-research-vs-ai-engineering.txt");
        var original = await File.ReadAllTextAsync(article);
        string[] questions =
        [
            "What skills does an AI Architect need?",
            "What does a Machine Learning Research Engineer do?",
            "Which tools does an AI Scientist use?",
            "How does AI Research differ from AI Engineering?",
        ];

        // Four waves of 50: each wave is fired while a reload to a new version is running, after the previous reload ended.
        var answers = new List<Task<Answer>>();
        var reloads = new List<Task<Advisor.Core.Knowledge.ReloadReport>>();
        for (var wave = 0; wave < 4; wave++)
        {
            if (reloads.Count > 0)
            {
                Assert.True((await reloads[^1]).Succeeded);
            }

            await File.WriteAllTextAsync(article, original + $"\n\nRevision {wave + 1} of this article.\n");
            reloads.Add(Task.Run(() => worker.Advisor.ReloadAsync()));
            for (var i = 0; i < 50; i++)
            {
                var question = new AdvisorQuestion(questions[i % questions.Length], [], platform, $"c{wave}-{i}", $"u{i}");
                answers.Add(Task.Run(() => worker.Advisor.AskAsync(question)));
            }
        }

        var done = await Task.WhenAll(answers);
        var reports = await Task.WhenAll(reloads);

        Assert.Equal(200, done.Length);
        Assert.All(done, a => Assert.False(string.IsNullOrWhiteSpace(a.Text)));
        Assert.All(done, a => Assert.NotEqual("shutdown", a.Composer));
        Assert.All(reports, r => Assert.True(r.Succeeded && r.Changed));
        Assert.True(done.Select(a => a.KnowledgeVersion).Distinct().Count() >= 2, "the answers should span the reloads");
        var metrics = await worker.Http.GetStringAsync("/metrics");
        Assert.Equal(200, MetricsTests.Sum(metrics, "advisor_questions_total", $"platform=\"{platform}\""));
    }
}
