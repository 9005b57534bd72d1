using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Roles;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Json.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Slack.Tests;

/// <summary>
/// The app manifest (advisor manifest slack): valid against Slack's manifest schema (../shared/protocol), its scopes
/// exactly those of the one table of methods, events and features (<see cref="SlackApiMethods"/>).
/// </summary>
public sealed class SlackManifestTests
{
    private static IReadOnlyList<RoleInfo> KnowledgeRoles()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Advisor:KnowledgePath"] = Path.Combine(RepoPaths.RepoRoot(), "knowledge"),
            ["Advisor:PromptsPath"] = Path.Combine(RepoPaths.RepoRoot(), "prompts"),
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddAdvisorCore(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IAdvisor>().Roles();
    }

    private static JsonSchema ManifestSchema() =>
        JsonSchema.FromText(File.ReadAllText(RepoPaths.SharedProtocolFile("specs", "slack", "manifest-schema", "manifest.schema.1.0.0.json")!),
            new BuildOptions { Dialect = Dialect.Draft07 });

    private static JsonElement Element(JsonObject manifest) => JsonDocument.Parse(manifest.ToJsonString()).RootElement;

    private static void AssertValid(JsonObject manifest)
    {
        var result = ManifestSchema().Evaluate(Element(manifest), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList();
        Assert.True(result.IsValid, string.Join("\n", errors) + "\n" + manifest.ToJsonString());
    }

    [SharedProtocolFact("the Slack manifest schema check")]
    public void The_socket_mode_manifest_is_valid_against_slacks_manifest_schema()
    {
        var manifest = SlackManifest.Build(new SlackCommandNames(), KnowledgeRoles());
        AssertValid(manifest);

        var settings = manifest["settings"]!;
        Assert.True((bool)settings["socket_mode_enabled"]!);
        Assert.Null(settings["event_subscriptions"]!["request_url"]);
        Assert.Null(settings["interactivity"]!["request_url"]);
        Assert.True((bool)settings["interactivity"]!["is_enabled"]!);
        Assert.All(manifest["features"]!["slash_commands"]!.AsArray(), c => Assert.Null(c!["url"]));
    }

    [SharedProtocolFact("the Slack manifest schema check")]
    public void The_http_manifest_with_renamed_commands_is_valid_and_points_every_url_at_the_host()
    {
        var names = new SlackCommandNames { Ask = "/advisor-ask", Compare = "/advisor-compare", Roles = "/advisor-roles", Reload = "/advisor-reload", Gaps = "/advisor-gaps" };
        var manifest = SlackManifest.Build(names, KnowledgeRoles(), new Uri("https://advisor.example.com/"));
        AssertValid(manifest);

        var settings = manifest["settings"]!;
        Assert.False((bool)settings["socket_mode_enabled"]!);
        Assert.Equal("https://advisor.example.com/slack/events", (string?)settings["event_subscriptions"]!["request_url"]);
        Assert.Equal("https://advisor.example.com/slack/interactivity", (string?)settings["interactivity"]!["request_url"]);
        Assert.Equal("https://advisor.example.com/slack/interactivity", (string?)settings["interactivity"]!["message_menu_options_url"]);
        var commands = manifest["features"]!["slash_commands"]!.AsArray();
        Assert.Equal(["/advisor-ask", "/advisor-compare", "/advisor-roles", "/advisor-reload", "/advisor-gaps"], commands.Select(c => (string?)c!["command"]));
        Assert.All(commands, c => Assert.Equal("https://advisor.example.com/slack/commands", (string?)c!["url"]));
    }

    [SharedProtocolFact("the Slack manifest schema check")]
    public void The_schema_check_catches_a_broken_manifest()
    {
        // The validator is really applied: a command without its slash, and a fifth suggested prompt, are refused.
        var manifest = SlackManifest.Build(new SlackCommandNames(), KnowledgeRoles());
        manifest["features"]!["slash_commands"]![0]!["command"] = "ask";
        var prompts = manifest["features"]!["agent_view"]!["suggested_prompts"]!.AsArray();
        while (prompts.Count <= SlackManifest.MaxSuggestedPrompts)
        {
            prompts.Add(new JsonObject { ["title"] = "t", ["message"] = "m" });
        }

        Assert.False(ManifestSchema().Evaluate(Element(manifest)).IsValid);
    }

    [Fact]
    public void The_agent_view_has_a_description_and_up_to_four_prompts_from_the_knowledges_roles()
    {
        var roles = KnowledgeRoles();
        var manifest = SlackManifest.Build(new SlackCommandNames(), roles);
        var agent = manifest["features"]!["agent_view"]!;
        var description = (string)agent["agent_description"]!;
        Assert.InRange(description.Length, 1, 300);
        var prompts = agent["suggested_prompts"]!.AsArray();
        Assert.InRange(prompts.Count, 1, SlackManifest.MaxSuggestedPrompts);
        Assert.Contains(prompts, p => roles.Any(r => ((string)p!["message"]!).Contains(r.Name, StringComparison.Ordinal)));
        Assert.True((bool)manifest["features"]!["app_home"]!["messages_tab_enabled"]!);
    }

    [Fact]
    public void Prompts_about_someone_name_the_person_not_the_field()
    {
        // A field's name ("AI Research") in a sentence about someone reads "an AI Research does": the person is named.
        var roles = new[] { new RoleInfo("Data Research", [], ["a"], 3), new RoleInfo("Data Engineering", [], ["a"], 3), new RoleInfo("Data Architect", [], ["a"], 3) };
        var prompts = SlackManifest.SuggestedPrompts(roles);

        Assert.Contains(prompts, p => p.Message == "What skills does a Data Researcher need?");
        Assert.Contains(prompts, p => p.Message == "What skills does a Data Engineer need?");
        Assert.Contains(prompts, p => p.Message == "What does a Data Architect do day to day?");
        Assert.DoesNotContain(prompts, p => p.Message.Contains("Research need", StringComparison.Ordinal) || p.Message.Contains("Engineering need", StringComparison.Ordinal));
    }

    [Fact]
    public void The_manifest_asks_for_exactly_the_scopes_the_methods_events_and_features_need()
    {
        var manifest = SlackManifest.Build(new SlackCommandNames(), KnowledgeRoles());
        var scopes = manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string)s!).ToList();
        var needed = SlackApiMethods.Methods.Concat(SlackApiMethods.Events).Concat(SlackApiMethods.Features).SelectMany(u => u.Scopes).ToHashSet();

        Assert.Equal(scopes.Count, scopes.Distinct().Count());
        Assert.All(needed, s => Assert.Contains(s, scopes));
        Assert.All(scopes, s => Assert.Contains(s, needed)); // no scope nothing needs
        Assert.Equal(SlackApiMethods.Events.Select(e => e.Name), manifest["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => (string?)e));

        // Each scope is justified in docs/slack.md.
        var docs = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot(), "docs", "slack.md"));
        Assert.All(scopes, s => Assert.Contains($"| `{s}` |", docs, StringComparison.Ordinal));
    }

    [SharedProtocolFact("the check of the method table against Slack's method reference")]
    public void The_scopes_in_the_method_table_are_those_slacks_method_reference_gives()
    {
        var folder = Path.Combine(RepoPaths.SharedProtocolFolder()!, "specs", "slack", "slack-api-ref", "docs.slack.dev-methods");
        var checkedAny = false;
        foreach (var method in SlackApiMethods.Methods)
        {
            var file = Path.Combine(folder, method.Name + ".json");
            if (!File.Exists(file))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var bot = doc.RootElement.TryGetProperty("scope", out var scope) && scope.TryGetProperty("bot", out var b)
                ? b.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToList()
                : [];
            Assert.True(bot.SequenceEqual(method.Scopes.Order(StringComparer.Ordinal)), $"{method.Name}: reference {string.Join(",", bot)}, table {string.Join(",", method.Scopes)}");
            checkedAny = true;
        }

        Assert.True(checkedAny);
    }

    [Fact]
    public void A_method_missing_from_the_table_is_refused_before_it_is_called()
    {
        Assert.True(SlackApiMethods.IsKnown("chat.postMessage"));
        var ex = Assert.Throws<InvalidOperationException>(() => SlackApiMethods.Require("chat.delete"));
        Assert.Contains("SlackApiMethods.Methods", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_method_the_adapter_calls_in_a_session_is_in_the_table()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s => s["Advisor:Slack:Progress"] = "Auto");
        slack.Users["UADMIN"] = (true, false);
        (await app.PostSignedAsync("slack/events", SlackEmulator.Mention("What skills does an AI Architect need?", "1700000800.000100", "EvM1").ToJsonString(), "application/json")).Dispose();
        (await app.PostSignedAsync("slack/commands", SlackCommandSettingsTests.Command(slack, "/reload", "", "UADMIN", out var reloadUrl), "application/x-www-form-urlencoded")).Dispose();
        await Eventually.TrueAsync(() => slack.Posts.Count >= 1 && slack.Responses(reloadUrl).Count >= 1, "the answer and the reload");

        var called = slack.Calls.Select(c => c.Method).Distinct().ToList();
        Assert.NotEmpty(called);
        Assert.All(called, m => Assert.True(SlackApiMethods.IsKnown(m) || m == "apps.connections.open", $"{m} is called but not in SlackApiMethods.Methods"));
    }
}
