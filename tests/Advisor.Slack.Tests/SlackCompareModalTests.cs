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

    /// <summary>A role name from a number, letters only: "Role Ab Specialist".</summary>
    private static string GeneratedRole(int i) => $"Role {(char)('A' + i / 26 % 26)}{(char)('a' + i % 26)} Specialist";

    [Fact]
    public async Task A_catalog_of_more_than_100_roles_gets_external_selects_answered_by_block_suggestion()
    {
        var folder = Path.Combine(Path.GetTempPath(), "advisor-slack-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            for (var i = 0; i < 120; i++)
            {
                var role = GeneratedRole(i);
                await File.WriteAllTextAsync(Path.Combine(folder, $"role-{i:D3}.md"), $"""
                    ---
                    role: {role}
                    ---
                    # {role}

                    A {role} looks after generated things number {i}.

                    ## Skills
                    - Skill {i}: careful work and clear writing.

                    ## Tools
                    - Tool {i}.
                    """);
            }

            await using var slack = await SlackEmulator.StartAsync();
            await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: true, s => s["Advisor:KnowledgePath"] = folder);
            await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");

            using (var ack = await app.PostSignedAsync("slack/commands", CompareWithoutArguments(slack, "U1", out var responseUrl), "application/x-www-form-urlencoded"))
            {
                Assert.True(ack.IsSuccessStatusCode);
                await Eventually.TrueAsync(() => slack.Views.Count == 1, "the modal");
                var view = slack.Views[0];
                foreach (var blockId in new[] { SlackCompareModal.RoleABlockId, SlackCompareModal.RoleBBlockId })
                {
                    var element = view.View["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == blockId)!["element"]!;
                    Assert.Equal("external_select", (string?)element["type"]);
                    Assert.Equal(1, (int?)element["min_query_length"]);
                    Assert.Null(element["options"]);
                }

                // Over HTTP (the Options Load URL is /slack/interactivity): up to 100 options, all matching "rol".
                var suggestion = slack.BlockSuggestion(view, SlackCompareModal.RoleABlockId, SlackCompareModal.ActionId, "rol", "U1");
                List<JsonObject> options;
                using (var answered = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), suggestion, AdvisorSlackApp.SigningSecret))
                {
                    Assert.True(answered.IsSuccessStatusCode);
                    options = [.. JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["options"]!.AsArray().Select(o => o!.AsObject())];
                }

                Assert.InRange(options.Count, 1, SlackCompareModal.MaxOptions);
                Assert.All(options, o =>
                {
                    Assert.Equal("plain_text", (string?)o["text"]!["type"]);
                    Assert.Equal((string?)o["value"], (string?)o["text"]!["text"]);
                    Assert.Contains("rol", (string?)o["value"], StringComparison.OrdinalIgnoreCase);
                });
                Assert.Equal(options.Count, options.Select(o => (string?)o["value"]).Distinct().Count());

                // The same question again (Slack asks on every keystroke) is answered again, not taken for a repeat.
                var narrow = slack.BlockSuggestion(view, SlackCompareModal.RoleBBlockId, SlackCompareModal.ActionId, "role be", "U1");
                using (var again = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), narrow, AdvisorSlackApp.SigningSecret))
                {
                    var values = JsonNode.Parse(await again.Content.ReadAsStringAsync())!["options"]!.AsArray().Select(o => (string?)o!["value"]).ToList();
                    Assert.Contains(GeneratedRole(30), values); // "Role Be Specialist"
                }

                // Over Socket Mode: the options come in the ack's payload.
                var socketAck = await slack.SendInteractiveAsync(slack.BlockSuggestion(view, SlackCompareModal.RoleBBlockId, SlackCompareModal.ActionId, "rol", "U1"));
                Assert.NotNull(socketAck);
                var socketOptions = socketAck["payload"]!["options"]!.AsArray();
                Assert.InRange(socketOptions.Count, 1, SlackCompareModal.MaxOptions);
                Assert.All(socketOptions, o => Assert.Contains("rol", (string?)o!["value"], StringComparison.OrdinalIgnoreCase));

                // The submission reads selected_option.value from the external selects and posts the comparison.
                var (roleA, roleB) = ((string)options[0]["value"]!, (string)options[1]["value"]!);
                var submission = slack.ViewSubmission(view, "U1",
                    new SlackInput(SlackCompareModal.RoleABlockId, SlackCompareModal.ActionId, roleA),
                    new SlackInput(SlackCompareModal.RoleBBlockId, SlackCompareModal.ActionId, roleB));
                Assert.Equal("external_select", (string?)submission["view"]!["state"]!["values"]![SlackCompareModal.RoleABlockId]![SlackCompareModal.ActionId]!["type"]);
                using (var closed = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), submission, AdvisorSlackApp.SigningSecret))
                {
                    Assert.True(closed.IsSuccessStatusCode);
                    Assert.Equal("", await closed.Content.ReadAsStringAsync());
                }

                await Eventually.TrueAsync(() => slack.Responses(responseUrl).Count == 1, "the comparison");
                var answer = slack.Responses(responseUrl)[0];
                Assert.Equal("in_channel", (string?)answer["response_type"]);
                var table = answer["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "table")!;
                Assert.Equal(["Aspect", roleA, roleB], table["rows"]!.AsArray()[0]!.AsArray().Select(c => (string?)c!["text"]));
                Assert.Empty(slack.ResponseErrors);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
