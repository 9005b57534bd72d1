using System.Net;
using Advisor.Testing;
using Advisor.Testing.Slack;

namespace Advisor.Slack.Tests;

/// <summary>The agent messaging experience: the Messages tab's welcome with suggested prompts, and its fallback.</summary>
public sealed class SlackAgentViewTests
{
    [Fact]
    public async Task Opening_the_messages_tab_sets_suggested_prompts_from_the_knowledges_roles_and_the_home_tab_does_nothing()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        using (var home = await app.PostSignedAsync("slack/events", SlackEmulator.AppHomeOpened("U1", "D111", "home", "EvHome1").ToJsonString(), "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }

        using (var opened = await app.PostSignedAsync("slack/events", SlackEmulator.AppHomeOpened("U1", "D111", "messages", "EvHome2").ToJsonString(), "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        await Eventually.TrueAsync(() => slack.SuggestedPrompts.Count == 1, "the suggested prompts");
        var (channel, body) = slack.SuggestedPrompts[0];
        Assert.Equal("D111", channel);
        Assert.Null(body["thread_ts"]);
        Assert.Equal(SlackAgentHome.PromptsTitle, (string?)body["title"]);
        var prompts = body["prompts"]!.AsArray();
        Assert.InRange(prompts.Count, 1, 4);
        Assert.Contains(prompts, p => ((string)p!["message"]!).Contains("AI Architect", StringComparison.Ordinal));
        Assert.Empty(slack.Posts);
    }

    [Fact]
    public async Task Where_the_app_is_not_an_agent_app_the_welcome_is_a_message_once_per_user()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        slack.AgentApp = false;

        foreach (var id in new[] { "EvHome3", "EvHome4" })
        {
            (await app.PostSignedAsync("slack/events", SlackEmulator.AppHomeOpened("U1", "D111", "messages", id).ToJsonString(), "application/json")).Dispose();
            await Eventually.TrueAsync(() => slack.Posts.Count == 1, "the welcome");
        }

        // A sentinel from another user shows the second opening was handled, without a second welcome.
        (await app.PostSignedAsync("slack/events", SlackEmulator.AppHomeOpened("U2", "D222", "messages", "EvHome5").ToJsonString(), "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count == 2, "the other user's welcome");

        Assert.Single(slack.Posts, p => (string?)p.Body["channel"] == "D111");
        Assert.Contains("Try asking", (string?)slack.Posts[0].Body["text"], StringComparison.Ordinal);
        Assert.Single(slack.Calls, c => c.Method == "assistant.threads.setSuggestedPrompts"); // the refusal is remembered
        Assert.Empty(slack.SuggestedPrompts);
    }
}
