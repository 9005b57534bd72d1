using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Discord.Gateway;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Advisor.Discord.Tests;

public sealed class InteractionEndpointTests : IAsyncLifetime
{
    private DiscordEmulator _emulator = null!;
    private InteractionHost _host = null!;

    public async Task InitializeAsync()
    {
        _emulator = await DiscordEmulator.StartAsync();
        _host = await InteractionHost.StartAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private async Task<RecordedRequest> SeenAsync(Func<RecordedRequest, bool> match, string what)
    {
        await Eventually.TrueAsync(() => _emulator.Requests.Any(match), what);
        return _emulator.Requests.Single(match);
    }

    private Task<HttpResponseMessage> PostAsync(string json, string? signature = null, string timestamp = "1700000000") =>
        _host.PostAsync(json, signature, timestamp);

    private static string Command(string name, JsonArray options, string permissions = "0", string id = "786008729715212338") =>
        InteractionHost.Command(name, options, permissions, id).ToJsonString();

    [Fact]
    public async Task The_documented_ping_vector_is_accepted_and_answered_with_pong()
    {
        const string body = "{\"type\":1,\"id\":\"786008729715212338\",\"application_id\":\"1234567890123456789\",\"token\":\"A_UNIQUE_TOKEN\",\"version\":1}";
        using var response = await PostAsync(body, "5392fa621953d58c35cd23afc3e164d77e23c7d12f399f8ba9a2037c16dae763f3d9a1fca305ca8e93fd8520a5117d19e71e5753982149a8798abb0cb3ff0605");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"type\":1,\"id\":\"786008729715212338\",\"application_id\":\"1234567890123456789\",\"token\":\"A_UNIQUE_TOKEN\",\"version\":2}", "5392fa621953d58c35cd23afc3e164d77e23c7d12f399f8ba9a2037c16dae763f3d9a1fca305ca8e93fd8520a5117d19e71e5753982149a8798abb0cb3ff0605", "1700000000")]
    [InlineData("{\"type\":1,\"id\":\"786008729715212338\",\"application_id\":\"1234567890123456789\",\"token\":\"A_UNIQUE_TOKEN\",\"version\":1}", "5392fa621953d58c35cd23afc3e164d77e23c7d12f399f8ba9a2037c16dae763f3d9a1fca305ca8e93fd8520a5117d19e71e5753982149a8798abb0cb3ff0605", "1700000001")]
    [InlineData("{\"type\":1}", "00", "1700000000")]
    [InlineData("{\"type\":1}", "", "1700000000")]
    public async Task A_bad_signature_is_refused_with_401(string body, string signature, string timestamp)
    {
        using var response = await PostAsync(body, signature, timestamp);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Compare_autocomplete_returns_catalog_roles()
    {
        var advisor = _host.App.Services.GetRequiredService<IAdvisor>();
        var catalog = advisor.Roles().Select(r => r.Name).ToHashSet();
        var fragment = advisor.Roles()[0].Name[..3];
        var body = new JsonObject
        {
            ["id"] = "900", ["application_id"] = DiscordEmulator.ApplicationId, ["type"] = 4, ["token"] = "t", ["version"] = 1,
            ["user"] = new JsonObject { ["id"] = "1" },
            ["data"] = new JsonObject
            {
                ["id"] = "2", ["name"] = "compare", ["type"] = 1,
                ["options"] = new JsonArray(new JsonObject { ["type"] = 3, ["name"] = "role_a", ["value"] = fragment, ["focused"] = true }),
            },
        }.ToJsonString();

        using var response = await PostAsync(body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(8, json["type"]!.GetValue<int>());
        var choices = json["data"]!["choices"]!.AsArray();
        Assert.NotEmpty(choices);
        Assert.InRange(choices.Count, 1, 25);
        Assert.All(choices, c => Assert.Contains(c!["value"]!.GetValue<string>(), catalog));
        Assert.Equal(advisor.SuggestRoles(fragment, 25).Select(r => r.Name), choices.Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Reload_by_a_non_admin_is_refused_ephemerally_and_an_admin_gets_the_summary()
    {
        using var refused = await PostAsync(Command("reload", [], permissions: "2048", id: "901"));
        var json = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal(4, json["type"]!.GetValue<int>());
        Assert.Equal(64, json["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("Only server admins", json["data"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(json["data"]!["allowed_mentions"]!["parse"]!.AsArray());

        using var allowed = await PostAsync(Command("reload", [], permissions: "32", id: "902"));
        var deferred = JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!;
        Assert.Equal(5, deferred["type"]!.GetValue<int>());
        Assert.Equal(64, deferred["data"]!["flags"]!.GetValue<int>());
        var edit = await SeenAsync(r => r.Method == "PATCH" && r.Path.Contains("tok-902", StringComparison.Ordinal), "the reload report");
        Assert.StartsWith("Reloaded knowledge", edit.Body!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        EmulatorAssert.NoViolations(_emulator.Violations);
    }

    [Fact]
    public async Task Ask_is_deferred_then_the_original_is_edited_with_the_cited_answer()
    {
        using var response = await PostAsync(Command("ask", [new JsonObject { ["type"] = 3, ["name"] = "question", ["value"] = "What skills does an AI Architect need?" }], id: "903"));
        Assert.Equal(5, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<int>());
        var edit = await SeenAsync(r => r.Method == "PATCH" && r.Path.Contains("tok-903", StringComparison.Ordinal), "the /ask answer");
        Assert.Empty(edit.Body!["allowed_mentions"]!["parse"]!.AsArray());
        Assert.True(edit.Body!["embeds"]![0]!["fields"] is System.Text.Json.Nodes.JsonArray { Count: > 0 }, edit.Body.ToJsonString());
        EmulatorAssert.NoViolations(_emulator.Violations);
    }

    [Fact]
    public async Task Compare_with_an_unknown_role_answers_ephemerally_with_the_known_roles()
    {
        using var response = await PostAsync(Command("compare", [
            new JsonObject { ["type"] = 3, ["name"] = "role_a", ["value"] = "Underwater Basket Weaver" },
            new JsonObject { ["type"] = 3, ["name"] = "role_b", ["value"] = "AI Architect" }], id: "904"));
        var deferred = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(5, deferred["type"]!.GetValue<int>());
        Assert.Equal(64, deferred["data"]!["flags"]!.GetValue<int>()); // private by default: the error becomes the private response
        var edit = await SeenAsync(r => r.Method == "PATCH" && r.Path.Contains("tok-904", StringComparison.Ordinal), "the ephemeral error");

        // The core's message as it is: what is wrong, and the known roles once.
        var expected = _host.App.Services.GetRequiredService<IAdvisor>().Compare("Underwater Basket Weaver", "AI Architect").Error!;
        var content = edit.Body!["content"]!.GetValue<string>();
        Assert.Equal(expected, content);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(content, "Known roles"));
        Assert.Contains("Underwater Basket Weaver", content, StringComparison.Ordinal);
        EmulatorAssert.NoViolations(_emulator.Violations);
    }

    [Fact]
    public async Task Commands_are_registered_once_by_bulk_overwrite_and_not_again_when_unchanged()
    {
        await SeenAsync(r => r.Method == "PUT", "the command registration");
        var registrar = _host.App.Services.GetRequiredService<Advisor.Discord.Interactions.CommandRegistrar>();
        Assert.False(await registrar.EnsureAsync(CancellationToken.None));
        Assert.Single(_emulator.Requests, r => r.Method == "PUT");
        var reload = _emulator.Commands.Values.Single()!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "reload")!;
        Assert.Equal("[0]", reload["contexts"]!.ToJsonString());
        // Manage Server (1 << 5) alone: a member needs every bit of the set to see the command, and Administrator implies it.
        Assert.Equal("32", reload["default_member_permissions"]!.GetValue<string>());
    }
}
