using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;

namespace Advisor.Slack.Tests;

/// <summary>Ephemeral first: /ask answers only to the asker, with "Share in channel" (Advisor:Slack:AskEphemeral).</summary>
public sealed class SlackEphemeralAskTests
{
    private static JsonObject ShareClick(SlackEmulator slack, JsonObject ephemeral, string user)
    {
        var button = ephemeral["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == SlackRenderer.ShareBlockId)!["elements"]![0]!;
        var action = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = (string?)button["action_id"],
            ["block_id"] = SlackRenderer.ShareBlockId,
            ["value"] = (string?)button["value"],
            ["text"] = button["text"]!.DeepClone(),
            ["action_ts"] = "1700000900.000200",
        };

        // An ephemeral message is not in the channel's history: Slack's payload names it in the container only.
        var click = slack.BlockActions("C111", "1700000900.000100", null, action, user);
        click["container"]!["is_ephemeral"] = true;
        click.Remove("message");
        return click;
    }

    [Fact]
    public async Task Ask_answers_ephemerally_and_share_posts_the_same_answer_in_the_channel_and_removes_the_private_copy()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        (await app.PostSignedAsync("slack/commands", SlackCommandSettingsTests.Command(slack, "/ask", "What skills does an AI Architect need?", "U1", out var askUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(askUrl).Count >= 1, "the ephemeral answer");
        var ephemeral = slack.Responses(askUrl)[^1];
        Assert.Equal("ephemeral", (string?)ephemeral["response_type"]);
        Assert.Contains(ephemeral["blocks"]!.AsArray(), b => (string?)b!["type"] == "context"); // its citations
        Assert.Empty(slack.Posts); // nothing in the channel yet

        var click = ShareClick(slack, ephemeral, "U1");
        var clickUrl = (string)click["response_url"]!;
        using (var ack = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), click, AdvisorSlackApp.SigningSecret))
        {
            Assert.True(ack.IsSuccessStatusCode);
        }

        await Eventually.TrueAsync(() => slack.Responses(clickUrl).Count >= 2, "the shared answer and the deletion");
        var responses = slack.Responses(clickUrl);
        var sharedCopy = responses[0];
        Assert.Equal("in_channel", (string?)sharedCopy["response_type"]);
        Assert.False((bool)sharedCopy["replace_original"]!);
        var blocks = sharedCopy["blocks"]!.AsArray();
        Assert.DoesNotContain(blocks, b => (string?)b!["block_id"] == SlackRenderer.ShareBlockId);
        Assert.Equal("Shared by <@U1>", (string?)blocks[^1]!["elements"]![0]!["text"]);

        // The same answer as the private copy, block for block, apart from the button and the "shared by" line.
        var privateBlocks = ephemeral["blocks"]!.AsArray().Where(b => (string?)b!["block_id"] != SlackRenderer.ShareBlockId).Select(b => b!.ToJsonString());
        Assert.Equal(privateBlocks, blocks.Take(blocks.Count - 1).Select(b => b!.ToJsonString()));
        Assert.True((bool)responses[^1]["delete_original"]!);
        Assert.Single(responses[^1]);

        // A second click (another trigger) finds nothing left to share and says so, only to the clicker.
        var again = ShareClick(slack, ephemeral, "U1");
        (await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), again, AdvisorSlackApp.SigningSecret)).Dispose();
        await Eventually.TrueAsync(() => slack.Responses((string)again["response_url"]!).Count == 1, "the notice");
        var notice = slack.Responses((string)again["response_url"]!)[0];
        Assert.Equal("ephemeral", (string?)notice["response_type"]);
        Assert.Equal(SlackInteractionHandler.ShareGone, (string?)notice["text"]);
    }

    [Fact]
    public async Task With_ask_ephemeral_off_ask_answers_in_the_channel_without_a_share_button_and_mentions_are_unchanged()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s => s["Advisor:Slack:AskEphemeral"] = "false");

        (await app.PostSignedAsync("slack/commands", SlackCommandSettingsTests.Command(slack, "/ask", "What skills does an AI Architect need?", "U1", out var askUrl), "application/x-www-form-urlencoded")).Dispose();
        (await app.PostSignedAsync("slack/events", SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000901.000100", "EvShare").ToJsonString(), "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(askUrl).Count >= 1 && slack.Posts.Count >= 1, "both answers");

        var answer = slack.Responses(askUrl)[0];
        Assert.Equal("in_channel", (string?)answer["response_type"]);
        Assert.DoesNotContain(answer["blocks"]!.AsArray(), b => (string?)b!["block_id"] == SlackRenderer.ShareBlockId);
        Assert.DoesNotContain(slack.Posts[0].Body["blocks"]!.AsArray(), b => (string?)b!["block_id"] == SlackRenderer.ShareBlockId);
    }

    [Fact]
    public void Another_user_cannot_take_an_answer_kept_for_sharing()
    {
        var shared = new SlackSharedAnswers(TimeProvider.System);
        var id = shared.Keep([new JsonObject { ["text"] = "a" }], "U1");
        Assert.Null(shared.Take(id, "U2"));
        Assert.NotNull(shared.Take(id, "U1"));
        Assert.Null(shared.Take(id, "U1"));
    }
}
