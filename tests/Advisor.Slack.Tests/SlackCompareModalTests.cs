using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;

namespace Advisor.Slack.Tests;

/// <summary>/compare with no arguments: a modal with two role selects; its submission answers the comparison as a table.</summary>
public sealed class SlackCompareModalTests
{
    private static string CompareWithoutArguments(SlackEmulator slack, string user, out string responseUrl)
    {
        responseUrl = slack.NewResponseUrl();
        return "token=t&team_id=T111&team_domain=example&channel_id=C111&channel_name=test"
            + $"&user_id={user}&user_name=someone&command=%2Fcompare&text="
            + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id={Uri.EscapeDataString(slack.NewTriggerId(user))}&api_app_id=A111";
    }

    [Fact]
    public async Task Compare_without_arguments_opens_a_modal_of_the_catalogs_roles_and_its_submission_posts_the_table()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        using (var ack = await app.PostSignedAsync("slack/commands", CompareWithoutArguments(slack, "U1", out var responseUrl), "application/x-www-form-urlencoded"))
        {
            Assert.True(ack.IsSuccessStatusCode);
            Assert.Equal("", await ack.Content.ReadAsStringAsync());

            await Eventually.TrueAsync(() => slack.Views.Count == 1, "the modal");
            var view = slack.Views[0];
            Assert.Equal(SlackCompareModal.CallbackId, view.CallbackId);
            var options = view.View["blocks"]![0]!["element"]!["options"]!.AsArray().Select(o => (string?)o!["value"]).ToList();
            Assert.Contains("AI Architect", options);
            Assert.Contains("AI Scientist", options);
            Assert.InRange(options.Count, 2, SlackCompareModal.MaxOptions);

            // The same role twice: the modal stays open with the error under the second select.
            var same = slack.ViewSubmission(view, "U1",
                new SlackInput(SlackCompareModal.RoleABlockId, SlackCompareModal.ActionId, "AI Architect"),
                new SlackInput(SlackCompareModal.RoleBBlockId, SlackCompareModal.ActionId, "AI Architect"));
            using (var refused = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), same, AdvisorSlackApp.SigningSecret))
            {
                var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
                Assert.Equal("errors", (string?)body["response_action"]);
                Assert.Equal(SlackCompareModal.SameRoleError, (string?)body["errors"]![SlackCompareModal.RoleBBlockId]);
            }

            var submission = slack.ViewSubmission(view, "U1",
                new SlackInput(SlackCompareModal.RoleABlockId, SlackCompareModal.ActionId, "AI Architect"),
                new SlackInput(SlackCompareModal.RoleBBlockId, SlackCompareModal.ActionId, "AI Scientist"),
                new SlackInput(SlackCompareModal.AspectBlockId, SlackCompareModal.ActionId, "skills"));
            using (var closed = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), submission, AdvisorSlackApp.SigningSecret))
            {
                Assert.True(closed.IsSuccessStatusCode);
                Assert.Equal("", await closed.Content.ReadAsStringAsync()); // an empty 200 closes the modal
            }

            await Eventually.TrueAsync(() => slack.Responses(responseUrl).Count == 1, "the comparison");
            var answer = slack.Responses(responseUrl)[0];
            Assert.Equal("in_channel", (string?)answer["response_type"]);
            var table = answer["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "table")!;
            var rows = table["rows"]!.AsArray();
            Assert.Equal(["Aspect", "AI Architect", "AI Scientist"], rows[0]!.AsArray().Select(c => (string?)c!["text"]));
            Assert.Equal(2, rows.Count); // one aspect asked for: skills
            Assert.Empty(slack.ResponseErrors);
        }
    }

    [Fact]
    public async Task When_the_modal_cannot_be_opened_the_usage_is_sent_instead()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);

        // A trigger_id used once already: views.open answers exchanged_trigger_id.
        var body = CompareWithoutArguments(slack, "U1", out var responseUrl);
        var trigger = Uri.UnescapeDataString(body.Split("&trigger_id=")[1].Split('&')[0]);
        using (var first = await app.PostSignedAsync("slack/commands", body, "application/x-www-form-urlencoded"))
        {
            await Eventually.TrueAsync(() => slack.Views.Count == 1, "the first modal");
        }

        var again = body.Replace(Uri.EscapeDataString(responseUrl), Uri.EscapeDataString(slack.NewResponseUrl()), StringComparison.Ordinal);
        var secondUrl = Uri.UnescapeDataString(again.Split("&response_url=")[1].Split('&')[0]);
        (await app.PostSignedAsync("slack/commands", again, "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Responses(secondUrl).Count == 1, "the usage");
        Assert.Equal("ephemeral", (string?)slack.Responses(secondUrl)[0]["response_type"]);
        Assert.Contains("Usage: `/compare", (string?)slack.Responses(secondUrl)[0]["text"], StringComparison.Ordinal);
        Assert.Equal(trigger, (string?)slack.Calls.Last(c => c.Method == "views.open").Body["trigger_id"]);
    }
}
