using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Advisor.Core.Answers;
using Advisor.Core.Knowledge;

namespace Advisor.Host.Tests;

public sealed class LiveReloadTests
{
    private const string Article = "ai-architect-vs-ml-research-engineer.txt";
    private const string Question = "What are the responsibilities of a Quantum Gardener?";

    [Fact]
    public async Task A_changed_file_shows_in_the_next_answer_and_in_the_report_without_any_command()
    {
        using var knowledge = Paths.CopyKnowledge();
        await using var worker = await TestWorker.StartAsync(knowledge.Folder);
        var before = await worker.Advisor.AskAsync(new AdvisorQuestion(Question, [], "test"));
        Assert.DoesNotContain("Quantum Gardener", worker.Advisor.Roles().Select(r => r.Name));
        Assert.DoesNotContain(before.Citations, c => c.Role == "Quantum Gardener");
        var changed = NextReport(worker.Store, r => r.Changed);

        var path = knowledge.FileOf(Article);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("AI Architect", "Quantum Gardener", StringComparison.Ordinal));
        var report = await changed.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(report.Succeeded);
        Assert.Equal([Article], report.ArticlesChanged);
        Assert.Contains("Quantum Gardener", report.RolesAdded);
        Assert.Contains("AI Architect", report.RolesRemoved);
        Assert.Contains("Roles added: Quantum Gardener", report.Summary(), StringComparison.Ordinal);
        var after = await worker.Advisor.AskAsync(new AdvisorQuestion(Question, [], "test"));
        Assert.False(after.Abstained);
        Assert.Contains(after.Citations, c => c.Role == "Quantum Gardener");
        Assert.Equal(report.Version, after.KnowledgeVersion);
    }

    [Fact]
    public async Task A_broken_file_is_reported_and_everything_else_keeps_serving()
    {
        using var knowledge = Paths.CopyKnowledge();
        await using var worker = await StartWithTokenAsync(knowledge.Folder);
        var sectionsBefore = worker.Store.Current.Sections.Count;
        await File.WriteAllBytesAsync(knowledge.FileOf("broken.txt"), [0x41, 0x00, 0x42, 0x00, 0xFF]);

        using var response = await worker.Http.PostAsync("/admin/reload", null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("broken.txt", error.GetProperty("file").GetString());
        Assert.Contains("broken.txt", json.RootElement.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(sectionsBefore, worker.Store.Current.Sections.Count);
        var answer = await worker.Advisor.AskAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], "test"));
        Assert.False(answer.Abstained);
        Assert.NotEmpty(answer.Citations);
    }

    [Fact]
    public async Task An_emptied_folder_keeps_the_last_good_knowledge_serving_and_says_why()
    {
        using var knowledge = Paths.CopyKnowledge();
        await using var worker = await StartWithTokenAsync(knowledge.Folder);
        var good = worker.Store.Current;
        foreach (var file in Directory.EnumerateFiles(knowledge.Folder))
        {
            File.Delete(file);
        }

        using var response = await worker.Http.PostAsync("/admin/reload", null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("failureReason").GetString()));
        Assert.Equal(good.Version, json.RootElement.GetProperty("version").GetString());
        Assert.Same(good, worker.Store.Current);
        var answer = await worker.Advisor.AskAsync(new AdvisorQuestion("What skills does an AI Architect need?", [], "test"));
        Assert.False(answer.Abstained);
        Assert.Equal(good.Version, answer.KnowledgeVersion);
        using var ready = await worker.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static async Task<TestWorker> StartWithTokenAsync(string folder)
    {
        var worker = await TestWorker.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Advisor:Admin:Token"] = TestWorker.AdminToken,
            ["Advisor:Reload:WatchFiles"] = "false",
        });
        worker.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);
        return worker;
    }

    internal static Task<ReloadReport> NextReport(IKnowledgeStore store, Func<ReloadReport, bool> match)
    {
        var next = new TaskCompletionSource<ReloadReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Reloaded += (_, report) =>
        {
            if (match(report))
            {
                next.TrySetResult(report);
            }
        };
        return next.Task;
    }
}
