using System.Net;
using System.Text.Json;
using Advisor.Core.Knowledge;
using Advisor.Testing;

namespace Advisor.Host.Tests;

/// <summary>
/// The worker end to end: one AdvisorServer on loopback Kestrel with Slack (Socket Mode) and Discord (gateway + REST)
/// both configured against their emulators, over a temp copy of the knowledge folder.
/// </summary>
public sealed class EndToEndTests
{
    private const string Article = "ai-architect-vs-ml-research-engineer.txt";
    private const string SkillsQuestion = "What skills does an AI Architect need?";
    private const string GardenerQuestion = "What are the responsibilities of a Quantum Gardener?";

    private static readonly Dictionary<string, string?> NoWatcher = new() { ["Advisor:Reload:WatchFiles"] = "false" };

    [Fact]
    public async Task One_worker_answers_a_Slack_mention_and_a_Discord_mention_with_citations_and_readyz_shows_both_connected()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync();

        var ready = await e2e.ReadyAsync();
        var slackTs = await e2e.AskSlackAsync(SkillsQuestion, "U100");
        var discordId = await e2e.AskDiscordAsync(SkillsQuestion, "444000000000000100");
        var slackAnswer = await e2e.SlackAnswerAsync(slackTs);
        var discordAnswer = await e2e.DiscordAnswerAsync(discordId);

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var platforms = ready.GetProperty("platforms").EnumerateArray().ToDictionary(p => p.GetProperty("platform").GetString()!, p => p.GetProperty("connected").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["slack"] = true, ["discord"] = true }, platforms);
        Assert.Equal("C111", (string?)slackAnswer["channel"]);
        var slackCitations = TwoPlatformWorker.SlackCitations(slackAnswer);
        var discordCitations = TwoPlatformWorker.DiscordCitations(discordAnswer);
        Assert.NotEmpty(slackCitations);
        Assert.NotEmpty(discordCitations);
        Assert.Contains(slackCitations, c => c.Contains("AI Architect", StringComparison.Ordinal));
        Assert.Contains(discordCitations, c => c.Contains("AI Architect", StringComparison.Ordinal));
        Assert.Empty(e2e.Discord.Violations);
    }

    [Fact]
    public async Task A_changed_knowledge_file_is_picked_up_by_the_watcher_and_shows_in_the_next_answer_on_both_platforms()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync();
        var before = await e2e.DiscordAnswerAsync(await e2e.AskDiscordAsync(GardenerQuestion, "444000000000000200"));
        Assert.DoesNotContain(TwoPlatformWorker.DiscordCitations(before), c => c.Contains("Quantum Gardener", StringComparison.Ordinal));
        var changed = LiveReloadTests.NextReport(e2e.Worker.Store, r => r.Changed);

        await ReplaceInArticleAsync(e2e, "AI Architect", "Quantum Gardener");
        var report = await changed.WaitAsync(TimeSpan.FromSeconds(TwoPlatformWorker.Deadline));
        var slackAnswer = await e2e.SlackAnswerAsync(await e2e.AskSlackAsync(GardenerQuestion, "U201"));
        var discordAnswer = await e2e.DiscordAnswerAsync(await e2e.AskDiscordAsync(GardenerQuestion, "444000000000000201"));

        Assert.True(report.Succeeded);
        Assert.Equal([Article], report.ArticlesChanged);
        Assert.Contains("Quantum Gardener", report.RolesAdded);
        Assert.Contains("Roles added: Quantum Gardener", report.Summary(), StringComparison.Ordinal);
        Assert.Contains(TwoPlatformWorker.SlackCitations(slackAnswer), c => c.Contains("Quantum Gardener", StringComparison.Ordinal));
        Assert.Contains(TwoPlatformWorker.DiscordCitations(discordAnswer), c => c.Contains("Quantum Gardener", StringComparison.Ordinal));
        var ready = await e2e.ReadyAsync();
        Assert.Equal(report.Version, ready.GetProperty("knowledge").GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_changed_knowledge_file_reloaded_through_admin_reload_shows_in_the_json_report_and_the_next_answer()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync(NoWatcher);
        var previous = e2e.Worker.Store.Current.Version;

        await ReplaceInArticleAsync(e2e, "AI Architect", "Quantum Gardener");
        using var response = await e2e.AdminReloadAsync();
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var slackAnswer = await e2e.SlackAnswerAsync(await e2e.AskSlackAsync(GardenerQuestion, "U301"));
        var discordAnswer = await e2e.DiscordAnswerAsync(await e2e.AskDiscordAsync(GardenerQuestion, "444000000000000301"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = report.RootElement;
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(previous, root.GetProperty("previousVersion").GetString());
        Assert.NotEqual(previous, root.GetProperty("version").GetString());
        Assert.Equal([Article], root.GetProperty("articlesChanged").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("Quantum Gardener", root.GetProperty("rolesAdded").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("AI Architect", root.GetProperty("rolesRemoved").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("Quantum Gardener", root.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(TwoPlatformWorker.SlackCitations(slackAnswer), c => c.Contains("Quantum Gardener", StringComparison.Ordinal));
        Assert.Contains(TwoPlatformWorker.DiscordCitations(discordAnswer), c => c.Contains("Quantum Gardener", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broken_knowledge_files_leave_the_last_good_knowledge_serving_on_both_platforms()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync(NoWatcher);
        var good = e2e.Worker.Store.Current;

        // One unreadable (binary) file: it is named in the report and everything that was serving keeps serving.
        await File.WriteAllBytesAsync(e2e.Knowledge.FileOf("broken.txt"), [0x41, 0x00, 0x42, 0x00, 0xFF]);
        using var partial = await e2e.AdminReloadAsync();
        using var partialReport = JsonDocument.Parse(await partial.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal("broken.txt", Assert.Single(partialReport.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("file").GetString());
        Assert.Equal(good.Sections.Count, e2e.Worker.Store.Current.Sections.Count);
        await AssertBothAnswerWithCitationsAsync(e2e, "U401", "444000000000000401");

        // Every article broken: the reload fails, says why, and the last good knowledge keeps answering.
        var serving = e2e.Worker.Store.Current;
        foreach (var file in Directory.EnumerateFiles(e2e.Knowledge.Folder))
        {
            await File.WriteAllBytesAsync(file, [0x00, 0x01, 0x02, 0xFF, 0xFE]);
        }

        using var failed = await e2e.AdminReloadAsync();
        using var failedReport = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        Assert.False(failedReport.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(failedReport.RootElement.GetProperty("failureReason").GetString()));
        Assert.Equal(serving.Version, failedReport.RootElement.GetProperty("version").GetString());
        Assert.Same(serving, e2e.Worker.Store.Current);
        await AssertBothAnswerWithCitationsAsync(e2e, "U402", "444000000000000402");
        var ready = await e2e.ReadyAsync();
        Assert.Equal(serving.Version, ready.GetProperty("knowledge").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Two_hundred_questions_through_Slack_and_Discord_during_reloads_are_each_answered_exactly_once()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync();
        var startVersion = e2e.Worker.Store.Current.Version;
        var article = e2e.Knowledge.FileOf("ai-research-vs-ai-engineering.txt");
        var original = await File.ReadAllTextAsync(article);
        var reports = new List<ReloadReport>();
        e2e.Worker.Store.Reloaded += (_, r) =>
        {
            lock (reports)
            {
                reports.Add(r);
            }
        };
        string[] questions =
        [
            "What skills does an AI Architect need?",
            "What does a Machine Learning Research Engineer do?",
            "Which tools does an AI Scientist use?",
            "How does AI Research differ from AI Engineering?",
        ];

        // Four waves of 50 (25 Slack, 25 Discord), each fired while a reload is running: the file watcher's (the article
        // changes) and an explicit POST /admin/reload.
        var slackTs = new List<string>();
        var discordIds = new List<string>();
        var adminReloads = new List<Task<HttpResponseMessage>>();
        for (var wave = 0; wave < 4; wave++)
        {
            await File.WriteAllTextAsync(article, original + $"\n\nRevision {wave + 1} of this article.\n");
            adminReloads.Add(e2e.AdminReloadAsync());
            var sends = new List<Task<string>>();
            for (var i = 0; i < 25; i++)
            {
                var n = (wave * 25) + i;
                sends.Add(Task.Run(() => e2e.AskSlackAsync(questions[n % questions.Length], $"U5{n:D3}")));
                sends.Add(Task.Run(() => e2e.AskDiscordAsync(questions[n % questions.Length], $"4440000000005{n:D3}", $"22200000000000{n % 10:D4}")));
            }

            var sent = await Task.WhenAll(sends);
            for (var i = 0; i < sent.Length; i++)
            {
                (i % 2 == 0 ? slackTs : discordIds).Add(sent[i]);
            }
        }

        await Eventually.TrueAsync(
            () => slackTs.All(ts => e2e.SlackRepliesTo(ts).Count > 0) && discordIds.All(id => e2e.DiscordRepliesTo(id).Count > 0),
            "an answer to each of the 200 questions",
            TwoPlatformWorker.Deadline * 2);
        var responses = await Task.WhenAll(adminReloads);

        // A last question on each platform, answered after everything else, so a late duplicate would have shown up.
        await e2e.SlackAnswerAsync(await e2e.AskSlackAsync(SkillsQuestion, "U599"));
        await e2e.DiscordAnswerAsync(await e2e.AskDiscordAsync(SkillsQuestion, "444000000000000599"));

        Assert.Equal(100, slackTs.Distinct().Count());
        Assert.Equal(100, discordIds.Distinct().Count());
        Assert.All(slackTs, ts => Assert.NotEmpty(TwoPlatformWorker.SlackCitations(Assert.Single(e2e.SlackRepliesTo(ts)))));
        Assert.All(discordIds, id => Assert.NotEmpty(TwoPlatformWorker.DiscordCitations(Assert.Single(e2e.DiscordRepliesTo(id)))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        lock (reports)
        {
            Assert.All(reports, r => Assert.True(r.Succeeded));
            Assert.True(reports.Count(r => r.Changed) >= 1, "expected the article revisions to reload");
        }

        // However the file events and admin reloads coalesced (their number depends on timing), the last revision is served:
        // the last admin reload was asked for after it was written and has answered.
        Assert.Contains(e2e.Worker.Store.Current.Sections, s => s.Text.Contains("Revision 4 of this article.", StringComparison.Ordinal));

        Assert.NotEqual(startVersion, e2e.Worker.Store.Current.Version);
        Assert.Empty(e2e.Discord.Violations);
    }

    [Fact]
    public async Task Admin_reload_without_the_token_or_with_a_wrong_one_is_401_and_reloads_nothing()
    {
        await using var e2e = await TwoPlatformWorker.StartAsync(NoWatcher);
        var reloads = 0;
        e2e.Worker.Store.Reloaded += (_, _) => Interlocked.Increment(ref reloads);

        using var missing = await e2e.AdminReloadAsync(withToken: false);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/admin/reload");
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-the-admin-token-at-all");
        using var wrongResponse = await e2e.Worker.Http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(0, Volatile.Read(ref reloads));
        using var allowed = await e2e.AdminReloadAsync();
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(1, Volatile.Read(ref reloads));
    }

    private static async Task ReplaceInArticleAsync(TwoPlatformWorker e2e, string from, string to)
    {
        var path = e2e.Knowledge.FileOf(Article);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace(from, to, StringComparison.Ordinal));
    }

    private static async Task AssertBothAnswerWithCitationsAsync(TwoPlatformWorker e2e, string slackUser, string discordUser)
    {
        var slackAnswer = await e2e.SlackAnswerAsync(await e2e.AskSlackAsync(SkillsQuestion, slackUser));
        var discordAnswer = await e2e.DiscordAnswerAsync(await e2e.AskDiscordAsync(SkillsQuestion, discordUser));
        Assert.Contains(TwoPlatformWorker.SlackCitations(slackAnswer), c => c.Contains("AI Architect", StringComparison.Ordinal));
        Assert.Contains(TwoPlatformWorker.DiscordCitations(discordAnswer), c => c.Contains("AI Architect", StringComparison.Ordinal));
    }
}
