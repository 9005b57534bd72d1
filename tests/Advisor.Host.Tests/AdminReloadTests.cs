using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Advisor.Host.Tests;

public sealed class AdminReloadTests
{
    private static readonly Dictionary<string, string?> WithToken = new()
    {
        ["Advisor:Admin:Token"] = TestWorker.AdminToken,
        ["Advisor:Reload:WatchFiles"] = "false",
    };

    [Fact]
    public async Task Reload_without_a_token_or_with_a_wrong_one_is_401()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        var reloadsBefore = 0;
        worker.Store.Reloaded += (_, _) => Interlocked.Increment(ref reloadsBefore);

        using var missing = await worker.Http.PostAsync("/admin/reload", null);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/admin/reload");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken + "x");
        using var wrongResponse = await worker.Http.SendAsync(wrong);
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/admin/reload");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", TestWorker.AdminToken);
        using var basicResponse = await worker.Http.SendAsync(basic);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain(TestWorker.AdminToken, await wrongResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, reloadsBefore);
    }

    [Fact]
    public async Task A_flood_of_refused_reloads_writes_one_warning_not_one_each()
    {
        var logs = new CollectingLoggerProvider();
        await using var worker = await TestWorker.StartAsync(
            settings: new Dictionary<string, string?>(WithToken) { ["Logging:LogLevel:Default"] = "Information" },
            services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        for (var i = 0; i < 500; i++)
        {
            using var response = await worker.Http.PostAsync("/admin/reload", null);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var warnings = logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Text.Contains("/admin/reload", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("missing bearer token", warnings[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_with_the_token_returns_the_report_as_json()
    {
        await using var worker = await TestWorker.StartAsync(settings: WithToken);
        worker.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);

        using var response = await worker.Http.PostAsync("/admin/reload", null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.False(root.GetProperty("changed").GetBoolean());
        Assert.Equal(worker.Store.Current.Version, root.GetProperty("version").GetString());
        Assert.Equal(worker.Store.Current.Sections.Count, root.GetProperty("sectionCount").GetInt32());
        Assert.Equal(0, root.GetProperty("articlesAdded").GetArrayLength());
        Assert.StartsWith("Reloaded knowledge: no changes", root.GetProperty("summary").GetString(), StringComparison.Ordinal);

        // Exactly the fields docs/operations.md lists.
        string[] documented =
        [
            "succeeded", "changed", "version", "previousVersion", "failureReason",
            "articlesAdded", "articlesChanged", "articlesRemoved", "sectionsAdded", "sectionsChanged", "sectionsRemoved",
            "rolesAdded", "rolesRemoved", "errors", "skipped", "eval", "sectionCount", "durationMs", "summary",
        ];
        Assert.Equal(documented.Order(), root.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Reload_endpoint_is_off_and_404_when_no_token_is_configured()
    {
        await using var worker = await TestWorker.StartAsync();
        worker.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.AdminToken);

        using var response = await worker.Http.PostAsync("/admin/reload", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
