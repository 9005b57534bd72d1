using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Conversations;
using Advisor.Core.Insights;
using Advisor.Discord.Interactions;
using Advisor.Discord.Rest;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Discord.Tests;

/// <summary>
/// Issue 12 (Discord) and issue 13's /gaps, end to end over the signed HTTP endpoint against the emulator: the admin
/// gap report, a user-installable command set, private answers with Share, and /compare as Components V2.
/// </summary>
public sealed class NativeDiscordTests
{
    private const string Channel = "645027906669510667";

    private static Uri Endpoint(InteractionHost host) => new(host.BaseAddress, DiscordEndpoints.InteractionsPath);

    private static async Task<JsonObject> PostAsync(DiscordEmulator emulator, InteractionHost host, JsonObject interaction)
    {
        emulator.Track(interaction);
        using var response = await emulator.PostInteractionAsync(Endpoint(host), interaction);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonObject> OriginalAsync(DiscordEmulator emulator, string token, Func<JsonObject, bool> done, string what)
    {
        JsonObject? original = null;
        await Eventually.TrueAsync(() => emulator.Originals.TryGetValue(token, out original) && done(original), what);
        return original!;
    }

    private static IEnumerable<JsonObject> All(JsonNode? components) =>
        (components as JsonArray ?? []).OfType<JsonObject>().SelectMany(c => new[] { c }.Concat(All(c["components"])).Concat(c["accessory"] is JsonObject a ? [a] : []));

    private static JsonObject Compare(string id, string? aspect = null)
    {
        var options = new JsonArray(
            new JsonObject { ["type"] = 3, ["name"] = "role_a", ["value"] = "AI Architect" },
            new JsonObject { ["type"] = 3, ["name"] = "role_b", ["value"] = "AI Scientist" });
        if (aspect is not null)
        {
            options.Add(new JsonObject { ["type"] = 3, ["name"] = "aspect", ["value"] = aspect });
        }

        return InteractionHost.Command("compare", options, id: id);
    }

    [Fact]
    public async Task Gaps_is_refused_to_non_admins_and_shows_admins_the_gap_report_privately()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var store = host.App.Services.GetRequiredService<IConversationStore>();

        // A question the knowledge cannot answer goes into the log.
        await PostAsync(emulator, host, InteractionHost.Ask("What does a marine biologist earn?", "810000000000000001"));
        await Eventually.TrueAsync(async () => (await store.ReadLogAsync(new QuestionLogQuery())).Count > 0, "the question logged");

        var refused = await PostAsync(emulator, host, InteractionHost.Command("gaps", [], permissions: "2048", id: "810000000000000002"));
        Assert.Equal(4, (int)refused["type"]!);
        Assert.Equal(64, (int)refused["data"]!["flags"]!);
        Assert.Contains("Only server admins", (string)refused["data"]!["content"]!, StringComparison.Ordinal);

        var badSince = await PostAsync(emulator, host, InteractionHost.Command("gaps", [new JsonObject { ["type"] = 3, ["name"] = "since", ["value"] = "soon" }], permissions: "32", id: "810000000000000003"));
        Assert.Contains("24h, 7d or 2w", (string)badSince["data"]!["content"]!, StringComparison.Ordinal);

        var deferred = await PostAsync(emulator, host, InteractionHost.Command("gaps", [new JsonObject { ["type"] = 3, ["name"] = "since", ["value"] = "24h" }], permissions: "32", id: "810000000000000004"));
        Assert.Equal(5, (int)deferred["type"]!);
        Assert.Equal(64, (int)deferred["data"]!["flags"]!);
        var report = await OriginalAsync(emulator, "tok-810000000000000004", o => ((string?)o["content"])?.Length > 0, "the gap report");

        var entries = await store.ReadLogAsync(new QuestionLogQuery());
        var expected = GapReport.ToText(GapReport.Build(entries, host.App.Services.GetRequiredService<IAdvisor>().Knowledge), entries.Count, "24h");
        Assert.Equal(Advisor.Discord.Messages.DiscordFormatter.Text(expected)[0].Content, (string)report["content"]!);
        Assert.StartsWith("Knowledge gaps in the last 24h", (string)report["content"]!, StringComparison.Ordinal);
        Assert.Contains("marine biologist", (string)report["content"]!, StringComparison.OrdinalIgnoreCase);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Every_command_is_user_installable_except_the_admin_commands()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        await Eventually.TrueAsync(() => emulator.Commands.Count == 1, "the registration");
        var registered = emulator.Commands.Values.Single()!.AsArray().OfType<JsonObject>().ToDictionary(c => (string)c["name"]!);

        Assert.Equal(["ask", "compare", "gaps", "reload", "roles"], registered.Keys.Order(StringComparer.Ordinal));
        foreach (var name in (string[])["ask", "compare", "roles"])
        {
            Assert.Equal("[0,1]", registered[name]["integration_types"]!.ToJsonString());
            Assert.Equal("[0,1,2]", registered[name]["contexts"]!.ToJsonString());
            Assert.Null(registered[name]["default_member_permissions"]);
        }

        foreach (var name in (string[])["reload", "gaps"])
        {
            Assert.Equal("[0]", registered[name]["integration_types"]!.ToJsonString());
            Assert.Equal("[0]", registered[name]["contexts"]!.ToJsonString());
            Assert.Equal("32", (string)registered[name]["default_member_permissions"]!);
        }

        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_user_install_in_a_foreign_server_is_answered_privately_and_Share_says_it_cannot_post()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        // Public answers configured: the user install is still answered privately, as the bot cannot post there.
        await using var host = await InteractionHost.StartAsync(emulator, new() { ["Advisor:Discord:EphemeralAnswers"] = "false" });

        // The documented shape of a user-install interaction in a server the bot is not in (BRIEF-2 D10): only the user
        // install authorized it ("1" in authorizing_integration_owners, no "0"), and the app has no permissions there.
        var ask = JsonNode.Parse("""
            {"id": "1160000000000000003", "application_id": "777", "type": 2, "token": "t", "version": 1, "guild_id": "333",
             "channel_id": "1170000000000000000", "member": {"user": {"id": "222", "username": "alice"}, "permissions": "1049600"},
             "app_permissions": "0", "authorizing_integration_owners": {"1": "222"}, "context": 0,
             "data": {"id": "771825006014889984", "name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "x"}]}}
            """)!.AsObject();
        ask["application_id"] = DiscordEmulator.ApplicationId;
        ask["token"] = "tok-user-install";
        ask["data"]!["options"]![0]!["value"] = "What skills does an AI Architect need?";

        var deferred = await PostAsync(emulator, host, ask);
        Assert.Equal(5, (int)deferred["type"]!);
        Assert.Equal(64, (int)deferred["data"]!["flags"]!);
        var answer = await OriginalAsync(emulator, "tok-user-install", o => o["embeds"] is JsonArray, "the private answer");
        Assert.Contains(All(answer["components"]), c => (string?)c["custom_id"] == "share");

        var click = emulator.ComponentInteraction(answer, "share", guildId: "333");
        click["authorizing_integration_owners"] = new JsonObject { ["1"] = "222" };
        click["app_permissions"] = "0";
        var response = await PostAsync(emulator, host, click);
        Assert.Equal(4, (int)response["type"]!);
        Assert.Equal(64, (int)response["data"]!["flags"]!);
        Assert.Equal(ComponentHandler.CannotShareText, (string)response["data"]!["content"]!);
        Assert.Empty(emulator.MessagesIn("1170000000000000000"));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Ask_answers_privately_and_Share_posts_the_same_answer_in_the_channel_without_a_ping()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);

        var deferred = await PostAsync(emulator, host, InteractionHost.Ask("What skills does an AI Architect need?", "820000000000000001"));
        Assert.Equal(64, (int)deferred["data"]!["flags"]!);
        var answer = await OriginalAsync(emulator, "tok-820000000000000001", o => o["embeds"] is JsonArray, "the private answer");
        Assert.Contains(All(answer["components"]), c => (string?)c["custom_id"] == "share");

        var click = emulator.ComponentInteraction(answer, "share");
        var response = await PostAsync(emulator, host, click);
        Assert.Equal(6, (int)response["type"]!);

        await Eventually.TrueAsync(() => emulator.MessagesIn(Channel).Count == 1, "the shared answer");
        var shared = emulator.MessagesIn(Channel).Single();
        Assert.Equal($"Shared by <@{DiscordEmulator.UserId}>", (string)shared["content"]!);
        Assert.True(JsonNode.DeepEquals(answer["embeds"], shared["embeds"]), shared["embeds"]!.ToJsonString());
        Assert.Empty(All(shared["components"]));
        var post = emulator.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith($"/channels/{Channel}/messages", StringComparison.Ordinal));
        Assert.Empty(post.Body!["allowed_mentions"]!["parse"]!.AsArray());

        await Eventually.TrueAsync(() => All(emulator.Message((string)answer["id"]!)!["components"]).Any(c => (string?)c["custom_id"] == "shared"), "the private answer marked shared");
        var marked = All(emulator.Message((string)answer["id"]!)!["components"]).Single(c => (string?)c["custom_id"] == "shared");
        Assert.True((bool)marked["disabled"]!);
        Assert.Equal("Shared in the channel", (string)marked["label"]!);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Compare_is_a_private_Components_V2_container_with_one_block_per_aspect_and_can_be_shared()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var comparison = host.App.Services.GetRequiredService<IAdvisor>().Compare("AI Architect", "AI Scientist", "skills").Comparison!;

        var deferred = await PostAsync(emulator, host, Compare("830000000000000001", "skills"));
        Assert.Equal(64, (int)deferred["data"]!["flags"]!); // private
        var answer = await OriginalAsync(emulator, "tok-830000000000000001", o => o["components"] is JsonArray { Count: > 0 }, "the V2 comparison");
        Assert.Equal(32768, (int)answer["flags"]! & 32768);
        Assert.Null(answer["embeds"] is JsonArray { Count: > 0 } ? answer["embeds"] : null);
        var container = answer["components"]![0]!.AsObject();
        Assert.Equal(17, (int)container["type"]!);
        var texts = All(container["components"]).Where(c => (int)c["type"]! == 10).Select(c => (string)c["content"]!).ToList();
        Assert.All(comparison.Rows, r => Assert.Contains(texts, t => t.StartsWith("### " + r.AspectTitle, StringComparison.Ordinal)));
        Assert.Contains(texts, t => t.Contains("Sources", StringComparison.Ordinal) && t.Contains("[1]", StringComparison.Ordinal));
        Assert.InRange(All(answer["components"]).Count(), 1, 40);
        Assert.InRange(texts.Sum(t => t.Length), 1, 4000);

        var click = emulator.ComponentInteraction(answer, "share");
        await PostAsync(emulator, host, click);
        await Eventually.TrueAsync(() => emulator.MessagesIn(Channel).Count == 1, "the shared comparison");
        var shared = emulator.MessagesIn(Channel).Single();
        Assert.Equal(32768, (int)shared["flags"]!);
        Assert.Equal($"-# Shared by <@{DiscordEmulator.UserId}>", (string)shared["components"]![0]!["content"]!);
        Assert.True(JsonNode.DeepEquals(container["components"], shared["components"]![1]!["components"]));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_full_comparison_arrives_as_several_private_V2_messages_within_limits_with_Share_on_each()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var comparison = host.App.Services.GetRequiredService<IAdvisor>().Compare("AI Architect", "AI Scientist", null).Comparison!;
        var parts = Advisor.Discord.Messages.DiscordFormatter.ComparisonV2(comparison)!;
        Assert.True(parts.Count > 1, $"a full comparison should need several V2 messages, got {parts.Count}");

        const string token = "tok-850000000000000001";
        await PostAsync(emulator, host, Compare("850000000000000001"));
        var first = await OriginalAsync(emulator, token, o => o["components"] is JsonArray { Count: > 0 }, "the first V2 part");
        await Eventually.TrueAsync(
            () => emulator.Followups.TryGetValue(token, out var q) && q.Count == parts.Count - 1, "the other V2 parts as follow-ups");
        var messages = new[] { first }.Concat(emulator.Followups[token]).ToList();

        var covered = new List<string>();
        foreach (var (message, i) in messages.Select((m, i) => (m, i)))
        {
            Assert.Equal(32768, (int)message["flags"]! & 32768);
            Assert.Equal(64, (int)message["flags"]! & 64); // follow-ups carry 64 themselves; @original keeps its deferral's
            Assert.Null(message["embeds"] is JsonArray { Count: > 0 } ? message["embeds"] : null);
            Assert.InRange(All(message["components"]).Count(), 1, 40);
            var container = message["components"]![0]!.AsObject();
            Assert.Equal(17, (int)container["type"]!);
            var texts = All(container["components"]).Where(c => (int)c["type"]! == 10).Select(c => (string)c["content"]!).ToList();
            Assert.InRange(texts.Sum(t => t.Length), 1, 4000);
            Assert.StartsWith($"## AI Architect vs AI Scientist ({i + 1}/{messages.Count})", texts[0], StringComparison.Ordinal);
            Assert.Contains(All(message["components"]), c => (string?)c["custom_id"] == "share");

            // Every citation number used in this message has its source listed in this message.
            var sources = texts[^1];
            Assert.StartsWith("-# Sources", sources, StringComparison.Ordinal);
            var listed = sources.Split('\n').Skip(1).Select(l => l[..(l.IndexOf(']') + 1)]).ToHashSet();
            var aspects = texts.Skip(1).SkipLast(1).ToList();
            Assert.NotEmpty(aspects);
            foreach (var aspect in aspects)
            {
                var cited = System.Text.RegularExpressions.Regex.Matches(aspect, @"\[\d+\]").Select(m => m.Value).ToList();
                Assert.NotEmpty(cited);
                Assert.All(cited, n => Assert.Contains(n, listed));
                covered.Add(aspect.Split('\n')[0]);
            }
        }

        // Together the parts hold every aspect once, in order, none cut.
        Assert.Equal(comparison.Rows.Select(r => "### " + r.AspectTitle), covered);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Compare_falls_back_to_public_embeds_when_V2_and_private_answers_are_off()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator, new()
        {
            ["Advisor:Discord:ComponentsV2"] = "false",
            ["Advisor:Discord:EphemeralAnswers"] = "false",
        });

        var deferred = await PostAsync(emulator, host, Compare("840000000000000001", "skills"));
        Assert.Null(deferred["data"]?["flags"]);
        var answer = await OriginalAsync(emulator, "tok-840000000000000001", o => o["embeds"] is JsonArray, "the embed comparison");
        Assert.Equal(0, ((int?)answer["flags"] ?? 0) & (32768 | 64));
        Assert.DoesNotContain(All(answer["components"]), c => (string?)c["custom_id"] == "share");
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public void A_comparison_over_V2_limits_is_not_sent_as_V2()
    {
        var citation = new Core.Answers.Citation("A", "S", null, "a.md", "");
        var cell = new Core.Comparison.ComparisonCell([new string('x', 900)], citation);
        var rows = Enumerable.Range(0, 5).Select(i => new Core.Comparison.ComparisonRow("k" + i, "Aspect " + i, cell, cell)).ToList();
        var big = new Core.Comparison.RoleComparison("A", "B", rows, ["a.md"]);

        // Over 4,000 characters in all: split between messages, each aspect whole.
        var parts = Advisor.Discord.Messages.DiscordFormatter.ComparisonV2(big)!;
        Assert.Equal(3, parts.Count);
        Assert.All(parts, p => Assert.InRange(p.Components![0].Components!.Sum(c => c.Content?.Length ?? 0), 1, 4000));
        Assert.Single(Advisor.Discord.Messages.DiscordFormatter.ComparisonV2(big with { Rows = rows.Take(1).ToList() })!);

        // One aspect whose text alone passes 4,000 characters (or ~10 kB) cannot be V2 without cutting it: the embeds.
        var huge = new Core.Comparison.ComparisonCell([new string('x', 4100)], citation);
        Assert.Null(Advisor.Discord.Messages.DiscordFormatter.ComparisonV2(big with { Rows = [.. rows.Take(2), rows[2] with { A = huge }] }));
        var wide = new Core.Comparison.ComparisonCell([new string('€', 1800)], citation); // 1,800 characters, 5,400 bytes
        Assert.Null(Advisor.Discord.Messages.DiscordFormatter.ComparisonV2(big with { Rows = [rows[0] with { A = wide, B = wide }] }));
    }
}

public sealed class DiscordManifestTests
{
    [Fact]
    public async Task The_printed_commands_are_the_registered_ones()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        await Eventually.TrueAsync(() => emulator.Commands.Count == 1, "the registration");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DiscordManifest.CommandsJson()), emulator.Commands.Values.Single()), DiscordManifest.CommandsJson());

        using var output = new StringWriter();
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Advisor:Discord:ApplicationId"] = "777" }).Build();
        Assert.Equal(0, await DiscordManifest.WriteAsync(config, output));
        Assert.Contains("https://discord.com/oauth2/authorize?client_id=777&scope=applications.commands+bot&permissions=" + DiscordManifest.PermissionBits, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_permission_in_the_link_is_in_the_table_and_used_by_a_route_of_the_code()
    {
        var link = DiscordManifest.InstallLink("777");
        var bits = ulong.Parse(link[(link.LastIndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var table = DiscordManifest.Permissions.Aggregate(0UL, (b, p) => b | (1UL << p.Bit));
        Assert.Equal(table, bits);
        Assert.Equal(DiscordManifest.Permissions.Count, System.Numerics.BitOperations.PopCount(bits)); // no bit twice

        // Each permission names a bot-token route the REST client calls (or the gateway event it reads).
        var client = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot(), "src", "Advisor.Discord", "Rest", "DiscordRestClient.cs"));
        Assert.All(DiscordManifest.Permissions, p => Assert.True(
            p.Route.StartsWith("GATEWAY ", StringComparison.Ordinal) || client.Contains('"' + p.Route + '"', StringComparison.Ordinal), p.Name + " → " + p.Route));
        // And each bot-token route that posts in a channel is covered by the table.
        foreach (var route in (string[])["POST /channels/{c}/messages", "POST /channels/{c}/messages/{m}/threads"])
        {
            Assert.Contains(route, client, StringComparison.Ordinal);
            Assert.Contains(DiscordManifest.Permissions, p => p.Route == route);
        }
    }
}
