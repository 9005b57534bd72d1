using System.Net;
using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Advisor.Slack.Tests;

/// <summary>Command names as settings (Advisor:Slack:Commands:*) and the /gaps admin command.</summary>
public sealed class SlackCommandSettingsTests
{
    internal static string Command(SlackEmulator slack, string command, string text, string user, out string responseUrl, string channel = "C111")
    {
        responseUrl = slack.NewResponseUrl();
        return $"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T111&team_domain=example&channel_id={channel}&channel_name=test"
            + $"&user_id={user}&user_name=someone&command={Uri.EscapeDataString(command)}&text={Uri.EscapeDataString(text)}"
            + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A111";
    }

    private static OptionsValidationException? Validate(Dictionary<string, string?> settings)
    {
        settings["Advisor:Slack:BotToken"] = "xoxb-1";
        settings["Advisor:Slack:AppToken"] = "xapp-1";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddSlackAdapter(configuration).BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<SlackOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Theory]
    [InlineData("Ask", "ask", "Advisor:Slack:Commands:Ask")]
    [InlineData("Ask", "/", "Advisor:Slack:Commands:Ask")]
    [InlineData("Compare", "/Advisor-Compare", "Advisor:Slack:Commands:Compare")]
    [InlineData("Roles", "/advisor roles", "Advisor:Slack:Commands:Roles")]
    [InlineData("Gaps", "/a-name-that-is-far-too-long-for-slack", "Advisor:Slack:Commands:Gaps")]
    [InlineData("Reload", "/ask", "Advisor:Slack:Commands")]
    [InlineData("Ask", "/advisor-ask", null)]
    [InlineData("Gaps", "/kb_gaps2", null)]
    public void Bad_command_names_fail_at_start_naming_the_key(string key, string value, string? expected)
    {
        var ex = Validate(new() { [$"Advisor:Slack:Commands:{key}"] = value });
        if (expected is null)
        {
            Assert.Null(ex);
        }
        else
        {
            Assert.NotNull(ex);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_default_command_names_are_ask_compare_roles_reload_and_gaps()
    {
        var names = new SlackCommandNames();
        Assert.Equal(["/ask", "/compare", "/roles", "/reload", "/gaps"], names.All.Select(c => c.Name));
    }

    [Fact]
    public async Task Renamed_commands_are_dispatched_by_their_configured_names_and_the_old_names_are_unknown()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s =>
        {
            s["Advisor:Slack:Commands:Ask"] = "/advisor-ask";
            s["Advisor:Slack:Commands:Roles"] = "/advisor-roles";
            s["Advisor:Slack:AskEphemeral"] = "false";
        });

        (await app.PostSignedAsync("slack/commands", Command(slack, "/advisor-ask", "What skills does an AI Architect need?", "U1", out var askUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/commands", Command(slack, "/advisor-roles", "", "U1", out var rolesUrl), "application/x-www-form-urlencoded")).Dispose();
        using var old = await app.PostSignedAsync("slack/commands", Command(slack, "/ask", "What skills does an AI Architect need?", "U1", out var oldUrl), "application/x-www-form-urlencoded");
        var oldAck = JsonNode.Parse(await old.Content.ReadAsStringAsync())!;

        await Eventually.TrueAsync(() => slack.Responses(askUrl).Count >= 1 && slack.Responses(rolesUrl).Count >= 1, "the renamed commands' results");
        Assert.Contains(slack.Responses(askUrl)[0]["blocks"]!.AsArray(), b => (string?)b!["type"] == "context");
        Assert.Contains("AI Architect", (string?)slack.Responses(rolesUrl)[0]["text"], StringComparison.Ordinal);

        // The default name is now someone else's command: the usage names the configured ones.
        Assert.Equal("ephemeral", (string?)oldAck["response_type"]);
        Assert.Contains("I don't know the command /ask", (string?)oldAck["text"], StringComparison.Ordinal);
        Assert.Contains("/advisor-ask", (string?)oldAck["text"], StringComparison.Ordinal);
        Assert.Empty(slack.Responses(oldUrl));
    }

    [Fact]
    public async Task Gaps_shows_an_admin_the_unanswered_questions_of_the_log_and_refuses_a_member()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s => s["Advisor:Slack:Commands:Gaps"] = "/advisor-gaps");
        slack.Users["UMEMBER"] = (false, false);
        slack.Users["UADMIN"] = (true, false);

        // Two questions about a role the articles don't cover, asked in two threads; one the knowledge answers.
        var mentions = new[]
        {
            ("What skills does a data analyst need?", "1700000700.000100", "EvGap1"),
            ("What do data analysts earn?", "1700000701.000100", "EvGap2"),
            ("What skills does an AI Architect need?", "1700000702.000100", "EvGap3"),
        };
        foreach (var (text, ts, id) in mentions)
        {
            using var ok = await app.PostSignedAsync("slack/events", SlackEmulator.Mention(text, ts, id).ToJsonString(), "application/json");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await Eventually.TrueAsync(() => slack.Posts.Count >= 3, "the three answers");

        (await app.PostSignedAsync("slack/commands", Command(slack, "/advisor-gaps", "", "UMEMBER", out var memberUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(memberUrl).Count == 1, "the refusal");
        Assert.Equal("ephemeral", (string?)slack.Responses(memberUrl)[0]["response_type"]);
        Assert.Equal(SlackCommandHandler.AdminRefusal("/advisor-gaps"), (string?)slack.Responses(memberUrl)[0]["text"]);

        // The log is written once each answer is delivered: ask until all three are in it.
        string text2 = "";
        await Eventually.TrueAsync(async () =>
        {
            (await app.PostSignedAsync("slack/commands", Command(slack, "/advisor-gaps", "24h", "UADMIN", out var adminUrl), "application/x-www-form-urlencoded")).Dispose();
            await Eventually.TrueAsync(() => slack.Responses(adminUrl).Count >= 1, "the report");
            var report = slack.Responses(adminUrl)[0];
            Assert.Equal("ephemeral", (string?)report["response_type"]);
            text2 = string.Concat(slack.Responses(adminUrl).Select(r => (string?)r["text"]));
            return text2.Contains("(3 questions in the log)", StringComparison.Ordinal);
        }, "a report over the three questions");

        Assert.StartsWith("Knowledge gaps in the last 24h", text2, StringComparison.Ordinal);
        Assert.Contains("2 questions — a role the articles don't cover: data analyst", text2, StringComparison.Ordinal);
        Assert.DoesNotContain("AI Architect need", text2, StringComparison.Ordinal);
        Assert.DoesNotContain("UADMIN", text2, StringComparison.Ordinal);

        using var bad = await app.PostSignedAsync("slack/commands", Command(slack, "/advisor-gaps", "lately", "UADMIN", out _), "application/x-www-form-urlencoded");
        Assert.Contains("Usage: `/advisor-gaps [24h|7d|2w]`", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["text"], StringComparison.Ordinal);
    }
}
