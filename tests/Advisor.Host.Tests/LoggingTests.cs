using System.Net;
using System.Net.Http.Headers;
using Advisor.Core.Answers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Host.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_never_carry_the_admin_token_and_question_text_only_at_debug()
    {
        var logs = new CollectingLoggerProvider();
        await using var worker = await TestWorker.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Advisor:Admin:Token"] = TestWorker.AdminToken,
                ["Advisor:Reload:WatchFiles"] = "false",
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Advisor.Host.Operations.OperationsEndpoints"] = "Trace",
            },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        const string question = "Which zebra-striped skills does an AI Architect need?";

        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/admin/reload"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken + "-wrong");
            using var refused = await worker.Http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Post, "/admin/reload"))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);
            using var ok = await worker.Http.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await worker.Advisor.AskAsync(new AdvisorQuestion(question, [], "test"));

        Assert.Contains(logs.Entries, e => e.Text.Contains("wrong bearer token", StringComparison.Ordinal));
        // One line for the reload, from the knowledge store, saying who asked (the coordinator's scope).
        var reloadLine = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Information && e.Text.Contains("Knowledge reload", StringComparison.Ordinal));
        Assert.Contains("ReloadTrigger=POST /admin/reload", reloadLine.Text, StringComparison.Ordinal);
        Assert.Contains("articles +0 ~0 -0", reloadLine.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(TestWorker.AdminToken, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level > LogLevel.Debug && e.Text.Contains("zebra", StringComparison.Ordinal));
    }
}
