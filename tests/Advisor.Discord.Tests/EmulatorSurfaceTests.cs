using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Advisor.Discord.Interactions;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Tests;

/// <summary>
/// Self-tests of the Discord emulator's surface for components, modals, interaction responses, message edits, rate
/// limit headers and typing: each route called over HTTP (or the gateway) as a client would, the recorded state and
/// the documented refusal on bad input. They prove the emulator, not the product.
/// </summary>
public sealed class EmulatorSurfaceTests
{
    private const string Channel = "645027906669510667";
    private static readonly HttpClient Http = new();

    private sealed record Reply(HttpStatusCode Status, JsonNode? Body, Dictionary<string, string> Headers)
    {
        public JsonObject Object => Body!.AsObject();

        public string Id => (string)Body!["id"]!;
    }

    private static async Task<Reply> Rest(DiscordEmulator emulator, string method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), emulator.ApiBaseUrl + path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new("Bot", DiscordEmulator.Token);
        request.Headers.UserAgent.ParseAdd("DiscordBot (https://example.com/advisor, 1.0)");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Where(h => h.Key.StartsWith("X-RateLimit", StringComparison.OrdinalIgnoreCase) || h.Key == "Retry-After")
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), headers);
    }

    private static JsonObject None() => new() { ["parse"] = new JsonArray() };

    private static JsonObject Button(string customId, string label = "👍", bool disabled = false) =>
        new() { ["type"] = 2, ["style"] = 2, ["label"] = label, ["custom_id"] = customId, ["disabled"] = disabled };

    private static JsonObject Legacy(params JsonObject[] buttons) => new()
    {
        ["content"] = "Data engineers build pipelines [1].",
        ["allowed_mentions"] = None(),
        ["components"] = new JsonArray(new JsonObject { ["type"] = 1, ["components"] = new JsonArray([.. buttons]) }),
    };

    private static JsonObject ComponentsV2(string text = "## Answer\nData engineers build pipelines [1].") => new()
    {
        ["flags"] = 32768,
        ["allowed_mentions"] = None(),
        ["components"] = new JsonArray(new JsonObject
        {
            ["type"] = 17,
            ["accent_color"] = 5793266,
            ["components"] = new JsonArray(
                new JsonObject { ["type"] = 10, ["content"] = text },
                new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Button("fb:up:1"), Button("fb:down:1", "👎")) }),
        }),
    };

    private static JsonObject Modal() => new()
    {
        ["type"] = 9,
        ["data"] = new JsonObject
        {
            ["custom_id"] = "feedback_modal:1",
            ["title"] = "What was missing?",
            ["components"] = new JsonArray(new JsonObject
            {
                ["type"] = 18,
                ["label"] = "Tell us",
                ["component"] = new JsonObject { ["type"] = 4, ["custom_id"] = "reason", ["style"] = 2, ["max_length"] = 1000, ["required"] = false },
            }),
        },
    };

    private static string Callback(JsonObject interaction) => $"/interactions/{interaction["id"]}/{interaction["token"]}/callback";

    private static string Original(JsonObject interaction) => $"/webhooks/{DiscordEmulator.ApplicationId}/{interaction["token"]}/messages/@original";

    [Fact]
    public async Task A_component_interaction_is_built_from_the_posted_message()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:up:1"), Button("fb:down:1", "👎"), Button("off", "x", disabled: true)));
        Assert.Equal(HttpStatusCode.OK, posted.Status);

        var click = emulator.ComponentInteraction(posted.Object, "fb:down:1", userId: "222000000000000001");

        Assert.Equal(3, (int)click["type"]!);
        Assert.Equal(DiscordEmulator.ApplicationId, (string?)click["application_id"]);
        Assert.Equal("fb:down:1", (string?)click["data"]!["custom_id"]);
        Assert.Equal(2, (int)click["data"]!["component_type"]!);
        Assert.Equal(posted.Id, (string?)click["message"]!["id"]);
        Assert.Equal(Channel, (string?)click["channel_id"]);
        Assert.Equal("222000000000000001", (string?)click["member"]!["user"]!["id"]);
        Assert.Equal(DiscordEmulator.GuildId, (string?)click["guild_id"]);
        Assert.StartsWith("tok-", (string?)click["token"], StringComparison.Ordinal);
        Assert.NotEqual((string?)click["token"], (string?)emulator.ComponentInteraction(posted.Object, "fb:up:1")["token"]);
        var dm = emulator.ComponentInteraction(posted.Object, "fb:up:1", guildId: null);
        Assert.Equal(DiscordEmulator.UserId, (string?)dm["user"]!["id"]); // a DM interaction has user, not member
        Assert.Null(dm["member"]);
        Assert.Equal(1, (int)dm["context"]!);

        Assert.Throws<InvalidOperationException>(() => emulator.ComponentInteraction(posted.Object, "nope"));
        Assert.Throws<InvalidOperationException>(() => emulator.ComponentInteraction(posted.Object, "off"));

        var select = new JsonObject
        {
            ["content"] = "Open a source",
            ["allowed_mentions"] = None(),
            ["components"] = new JsonArray(new JsonObject
            {
                ["type"] = 1,
                ["components"] = new JsonArray(new JsonObject
                {
                    ["type"] = 3,
                    ["custom_id"] = "pick_source",
                    ["options"] = new JsonArray(new JsonObject { ["label"] = "Handbook §3", ["value"] = "src1" }),
                }),
            }),
        };
        var withSelect = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", select)).Object;
        Assert.Equal(new JsonArray("src1").ToJsonString(), emulator.ComponentInteraction(withSelect, "pick_source", ["src1"])["data"]!["values"]!.ToJsonString());
        Assert.Throws<ArgumentException>(() => emulator.ComponentInteraction(withSelect, "pick_source"));
        Assert.Throws<InvalidOperationException>(() => emulator.ComponentInteraction(withSelect, "pick_source", ["src9"]));
    }

    [Fact]
    public async Task Update_message_and_deferred_update_act_on_the_clicked_message_and_a_second_response_gets_40060()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:up:1"), Button("fb:down:1", "👎")))).Object;
        var messageId = (string)posted["id"]!;

        var click = emulator.ComponentInteraction(posted, "fb:up:1");
        // 7 edits the clicked message now: the 👍 button disabled, the 👎 one still there.
        var rows = new JsonArray(new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Button("fb:up:1", disabled: true), Button("fb:down:1", "👎")) });
        var update = await Rest(emulator, "POST", Callback(click), new JsonObject { ["type"] = 7, ["data"] = new JsonObject { ["content"] = "Thanks for the feedback!", ["components"] = rows } });
        Assert.Equal(HttpStatusCode.NoContent, update.Status);
        Assert.Equal("Thanks for the feedback!", (string?)emulator.MessagesIn(Channel).Single()["content"]);
        Assert.Throws<InvalidOperationException>(() => emulator.ComponentInteraction(emulator.Message(messageId)!, "fb:up:1")); // disabled now
        var edit = Assert.Single(emulator.EditsOf(messageId));
        Assert.Equal("callback 7", edit.Route);
        var recorded = Assert.Single(emulator.ResponsesTo((string)click["id"]!));
        Assert.Equal((7, "callback"), (recorded.Type, recorded.Via));

        var again = await Rest(emulator, "POST", Callback(click), new JsonObject { ["type"] = 6 });
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal(40060, (int)again.Body!["code"]!);

        // 6 acknowledges without a change; the clicked message is then the interaction's @original.
        var second = emulator.ComponentInteraction(emulator.Message(messageId)!, "fb:down:1");
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(second), new JsonObject { ["type"] = 6 })).Status);
        var patched = await Rest(emulator, "PATCH", Original(second), new JsonObject { ["content"] = "Recorded 👎", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(messageId, patched.Id);
        Assert.Equal("Recorded 👎", (string?)emulator.Message(messageId)!["content"]);
        Assert.Equal(["callback 7", "@original"], emulator.EditsOf(messageId).Select(e => e.Route));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Update_types_answer_only_component_interactions_and_a_defer_takes_only_the_ephemeral_flag()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var command = emulator.Track(InteractionHost.Ask("What do data engineers do?", "1234567890123456701"));

        var refused = await Rest(emulator, "POST", Callback(command), new JsonObject { ["type"] = 7, ["data"] = new JsonObject { ["content"] = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(50035, (int)refused.Body!["code"]!);
        Assert.Contains(emulator.Violations, v => v.Contains("answers only component interactions", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", Callback(command), new JsonObject { ["type"] = 5, ["data"] = new JsonObject { ["flags"] = 32768 } })).Status);

        // An ephemeral defer: the placeholder is LOADING | EPHEMERAL; the edit clears LOADING and keeps EPHEMERAL.
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(command), new JsonObject { ["type"] = 5, ["data"] = new JsonObject { ["flags"] = 64 } })).Status);
        Assert.Equal(192, (int)emulator.Originals[(string)command["token"]!]["flags"]!);
        var edited = await Rest(emulator, "PATCH", Original(command), new JsonObject { ["content"] = "Only you can see this.", ["allowed_mentions"] = None() });
        Assert.Equal(64, (int)edited.Body!["flags"]!);
        Assert.True(Assert.Single(emulator.InteractionResponses).Ephemeral);

        // Components V2 is set on the edit, never removed; with it content is refused.
        var v2 = await Rest(emulator, "PATCH", Original(command), ComponentsV2());
        Assert.Equal(HttpStatusCode.OK, v2.Status);
        Assert.Equal(64 | 32768, (int)v2.Body!["flags"]!);
        Assert.Null(v2.Body["content"]); // reset when the flag was added
        Assert.Equal(32768 | 64, emulator.EditsOf(v2.Id)[^1].Flags);
        var back = await Rest(emulator, "PATCH", Original(command), new JsonObject { ["flags"] = 0, ["content"] = "plain", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.BadRequest, back.Status);
        Assert.Contains(emulator.Violations, v => v.Contains("cannot be removed", StringComparison.Ordinal));
        var withContent = ComponentsV2();
        withContent["content"] = "not with V2";
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "PATCH", Original(command), withContent)).Status);
    }

    [Fact]
    public async Task A_modal_is_recorded_and_its_submit_mirrors_its_inputs()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:down:1", "👎")))).Object;
        var click = emulator.ComponentInteraction(posted, "fb:down:1");

        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(click), Modal())).Status);
        var modal = Assert.Single(emulator.InteractionResponses);
        Assert.Equal(9, modal.Type);

        var submit = emulator.ModalSubmit(modal, new Dictionary<string, string> { ["reason"] = "It missed the salary range" });
        Assert.Equal(5, (int)submit["type"]!);
        Assert.Equal("feedback_modal:1", (string?)submit["data"]!["custom_id"]);
        var label = submit["data"]!["components"]![0]!;
        Assert.Equal(18, (int)label["type"]!);
        Assert.Equal(("reason", "It missed the salary range", 4), ((string?)label["component"]!["custom_id"], (string?)label["component"]!["value"], (int)label["component"]!["type"]!));
        Assert.Equal(click["member"]!["user"]!["id"]!.ToJsonString(), submit["member"]!["user"]!["id"]!.ToJsonString());
        Assert.Equal((string?)posted["id"], (string?)submit["message"]!["id"]);
        Assert.Throws<InvalidOperationException>(() => emulator.ModalSubmit(modal, new Dictionary<string, string> { ["nope"] = "x" }));

        // A modal never answers a modal submit; an update may, as the modal came from a component.
        var other = emulator.ComponentInteraction(emulator.Message((string)posted["id"]!)!, "fb:down:1");
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", Callback(submit), Modal())).Status);
        Assert.Contains(emulator.Violations, v => v.Contains("cannot answer a MODAL_SUBMIT", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(submit), new JsonObject { ["type"] = 7, ["data"] = new JsonObject { ["content"] = "Thanks!", ["components"] = new JsonArray() } })).Status);
        Assert.Equal("Thanks!", (string?)emulator.Message((string)posted["id"]!)!["content"]);

        // Modal limits: title ≤45, 1-5 components, text inputs with a style.
        var bad = Modal();
        bad["data"]!["title"] = new string('x', 46);
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", Callback(other), bad)).Status);
        var noStyle = Modal();
        noStyle["data"]!["components"]![0]!["component"]!.AsObject().Remove("style");
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", Callback(other), noStyle)).Status);
    }

    [Fact]
    public async Task Channel_message_edits_are_recorded_with_rate_limit_headers_and_an_optional_429()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var id = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", new JsonObject { ["content"] = "Data", ["allowed_mentions"] = None() })).Id;
        emulator.EditRateLimit = new DiscordRateLimit(2, TimeSpan.FromSeconds(30));

        var first = await Rest(emulator, "PATCH", $"/channels/{Channel}/messages/{id}", new JsonObject { ["content"] = "Data engineers", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(("2", "1", "edit-channel-message"), (first.Headers["X-RateLimit-Limit"], first.Headers["X-RateLimit-Remaining"], first.Headers["X-RateLimit-Bucket"]));
        Assert.True(double.Parse(first.Headers["X-RateLimit-Reset-After"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(first.Headers.ContainsKey("X-RateLimit-Reset"));
        var second = await Rest(emulator, "PATCH", $"/channels/{Channel}/messages/{id}", new JsonObject { ["content"] = "Data engineers build", ["allowed_mentions"] = None() });
        Assert.Equal("0", second.Headers["X-RateLimit-Remaining"]);
        Assert.Equal(HttpStatusCode.OK, (await Rest(emulator, "PATCH", $"/channels/{Channel}/messages/{id}", new JsonObject { ["content"] = "over, not enforced", ["allowed_mentions"] = None() })).Status);

        emulator.EnforceEditRateLimit = true;
        var limited = await Rest(emulator, "PATCH", $"/channels/{Channel}/messages/{id}", new JsonObject { ["content"] = "too fast", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.True((double)limited.Body!["retry_after"]! > 0);
        Assert.False((bool)limited.Body["global"]!);
        Assert.Equal(("0", "user"), (limited.Headers["X-RateLimit-Remaining"], limited.Headers["X-RateLimit-Scope"]));
        Assert.True(limited.Headers.ContainsKey("Retry-After"));
        Assert.Equal(["Data engineers", "Data engineers build", "over, not enforced"], emulator.EditsOf(id).Select(e => (string?)e.Body["content"]));
        Assert.Equal("over, not enforced", (string?)emulator.MessagesIn(Channel).Single()["content"]);

        // Another channel is another bucket; an unknown message, or one in another channel, is 10008.
        var elsewhere = (await Rest(emulator, "POST", "/channels/777/messages", new JsonObject { ["content"] = "x", ["allowed_mentions"] = None() })).Id;
        var otherBucket = await Rest(emulator, "PATCH", $"/channels/777/messages/{elsewhere}", new JsonObject { ["content"] = "y", ["allowed_mentions"] = None() });
        Assert.Equal((HttpStatusCode.OK, "1"), (otherBucket.Status, otherBucket.Headers["X-RateLimit-Remaining"]));
        emulator.EnforceEditRateLimit = false;
        Assert.Equal(10008, (int)(await Rest(emulator, "PATCH", $"/channels/777/messages/{id}", new JsonObject { ["content"] = "y", ["allowed_mentions"] = None() })).Body!["code"]!);
        Assert.Equal(10008, (int)(await Rest(emulator, "PATCH", "/channels/777/messages/1", new JsonObject { ["content"] = "y", ["allowed_mentions"] = None() })).Body!["code"]!);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Webhook_edits_share_a_bucket_per_token_and_aged_messages_get_30046()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var command = emulator.Track(InteractionHost.Ask("What do data engineers do?", "1234567890123456702"));
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(command), new JsonObject { ["type"] = 5 })).Status);
        var original = await Rest(emulator, "PATCH", Original(command), new JsonObject { ["content"] = "Data", ["allowed_mentions"] = None() });
        Assert.Equal(("edit-webhook-message", "4"), (original.Headers["X-RateLimit-Bucket"], original.Headers["X-RateLimit-Remaining"]));

        // A follow-up of the same token: ephemeral kept, edited by id in the same bucket.
        var followup = await Rest(emulator, "POST", $"/webhooks/{DiscordEmulator.ApplicationId}/{command["token"]}", new JsonObject { ["content"] = "Only you", ["flags"] = 64, ["allowed_mentions"] = None() });
        Assert.Equal(64, (int)followup.Body!["flags"]!);
        var followupEdit = await Rest(emulator, "PATCH", $"/webhooks/{DiscordEmulator.ApplicationId}/{command["token"]}/messages/{followup.Id}", new JsonObject { ["content"] = "Only you, edited", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.OK, followupEdit.Status);
        Assert.Equal(64, (int)followupEdit.Body!["flags"]!);
        Assert.Equal("3", followupEdit.Headers["X-RateLimit-Remaining"]);
        Assert.Equal("webhook", emulator.EditsOf(followup.Id).Single().Route);
        Assert.Equal(10008, (int)(await Rest(emulator, "PATCH", $"/webhooks/{DiscordEmulator.ApplicationId}/{command["token"]}/messages/1", new JsonObject { ["content"] = "x", ["allowed_mentions"] = None() })).Body!["code"]!);

        emulator.AgeMessage(original.Id);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Rest(emulator, "PATCH", Original(command), new JsonObject { ["content"] = "edit " + i, ["allowed_mentions"] = None() })).Status);
        }

        var old = await Rest(emulator, "PATCH", Original(command), new JsonObject { ["content"] = "one too many", ["allowed_mentions"] = None() });
        Assert.Equal(HttpStatusCode.TooManyRequests, old.Status);
        Assert.Equal(30046, (int)old.Body!["code"]!);
        Assert.True((double)old.Body["retry_after"]! > 0);
    }

    [Fact]
    public async Task An_ephemeral_message_is_edited_with_the_fresh_token_of_its_component_interaction()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var command = emulator.Track(InteractionHost.Ask("Compare", "1234567890123456703"));
        var reply = Legacy(Button("fb:up:9"));
        reply["flags"] = 64;
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(command), new JsonObject { ["type"] = 4, ["data"] = reply })).Status);
        var ephemeral = emulator.Originals[(string)command["token"]!];
        Assert.Equal(64, (int)ephemeral["flags"]!);

        var click = emulator.ComponentInteraction(ephemeral, "fb:up:9", channelId: Channel);
        var path = $"/webhooks/{DiscordEmulator.ApplicationId}/{click["token"]}/messages/{ephemeral["id"]}";
        var edited = await Rest(emulator, "PATCH", path, new JsonObject { ["content"] = "Thanks!", ["components"] = new JsonArray(), ["allowed_mentions"] = None() });

        Assert.Equal(HttpStatusCode.OK, edited.Status);
        Assert.Equal(64, (int)edited.Body!["flags"]!);
        Assert.Equal("Thanks!", (string?)emulator.Originals[(string)command["token"]!]["content"]);
    }

    [Fact]
    public async Task Message_bodies_follow_the_flag_legacy_and_components_v2_rules()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        async Task<HttpStatusCode> Post(JsonObject body) => (await Rest(emulator, "POST", $"/channels/{Channel}/messages", body)).Status;

        var v2 = await Rest(emulator, "POST", $"/channels/{Channel}/messages", ComponentsV2());
        Assert.Equal(HttpStatusCode.OK, v2.Status);
        Assert.Equal(32768, (int)emulator.MessagesIn(Channel).Single()["flags"]!);
        EmulatorAssert.NoViolations(emulator.Violations);

        var withContent = ComponentsV2();
        withContent["content"] = "x";
        Assert.Equal(HttpStatusCode.BadRequest, await Post(withContent));
        var ephemeral = Legacy(Button("a"));
        ephemeral["flags"] = 64;
        Assert.Equal(HttpStatusCode.BadRequest, await Post(ephemeral)); // only interactions make ephemeral messages
        Assert.Equal(HttpStatusCode.BadRequest, await Post(Legacy(Button("same"), Button("same"))));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(Legacy(Button("1"), Button("2"), Button("3"), Button("4"), Button("5"), Button("6"))));
        var link = Button("with-url");
        link["url"] = "https://example.com";
        Assert.Equal(HttpStatusCode.BadRequest, await Post(Legacy(link)));
        var sixRows = Legacy(Button("r0"));
        for (var i = 1; i < 6; i++)
        {
            sixRows["components"]!.AsArray().Add(new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Button("r" + i)) });
        }

        Assert.Equal(HttpStatusCode.BadRequest, await Post(sixRows));
        var textWithoutFlag = new JsonObject { ["content"] = "x", ["allowed_mentions"] = None(), ["components"] = new JsonArray(new JsonObject { ["type"] = 10, ["content"] = "needs V2" }) };
        Assert.Equal(HttpStatusCode.BadRequest, await Post(textWithoutFlag));
        var many = ComponentsV2();
        for (var i = 0; i < 38; i++)
        {
            many["components"]!.AsArray().Add(new JsonObject { ["type"] = 14 });
        }

        Assert.Equal(HttpStatusCode.BadRequest, await Post(many)); // 42 components with the container's children
        Assert.Equal(HttpStatusCode.BadRequest, await Post(ComponentsV2(new string('x', 4001))));
        Assert.Single(emulator.MessagesIn(Channel));
        Assert.Contains(emulator.Violations, v => v.Contains("IS_COMPONENTS_V2 allows 40", StringComparison.Ordinal));
    }

    [SharedProtocolFact("the OpenAPI checks of components")]
    public async Task Component_payloads_are_checked_against_the_openapi_spec()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        Assert.True(emulator.SpecLoaded);
        var outOfRange = ComponentsV2();
        outOfRange["components"]![0]!["accent_color"] = 0x1000000; // only the spec bounds it (0-0xFFFFFF)

        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", $"/channels/{Channel}/messages", outOfRange)).Status);
        Assert.Contains(emulator.Violations, v => v.Contains("accent_color", StringComparison.Ordinal));
        var command = emulator.Track(InteractionHost.Ask("x", "1234567890123456704"));
        var modal = Modal();
        modal["data"]!["components"]![0]!["component"]!["min_length"] = -1;
        Assert.Equal(HttpStatusCode.BadRequest, (await Rest(emulator, "POST", Callback(command), modal)).Status);
        Assert.Contains(emulator.Violations, v => v.Contains("min_length", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_webhook_edit_sent_after_the_inline_answer_is_applied_after_it_even_when_the_answer_is_recorded_late()
    {
        // The flake of NativeDiscordTests' /compare Share: the worker answered the click with 6 inline, then PATCHed
        // @original (its message's V2 components, no flags: IS_COMPONENTS_V2 stays on an edited message). On a loaded
        // machine the PATCH arrived before PostInteractionAsync had recorded the 6, so the emulator made up an @original
        // without flags and refused the V2 components. Here the recording is held until the PATCH has arrived.
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", ComponentsV2())).Object;
        var click = emulator.ComponentInteraction(posted, "fb:up:1");
        var edit = new JsonObject { ["allowed_mentions"] = None(), ["components"] = ComponentsV2("## Answer\nEdited.")["components"]!.DeepClone() };
        var patchArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emulator.RequestObserver = r =>
        {
            if (r.Method == "PATCH" && r.Path.EndsWith("/messages/@original", StringComparison.Ordinal))
            {
                patchArrived.TrySetResult();
            }
        };
        emulator.BeforeInlineAnswerRecorded = _ => patchArrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var patched = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await Capture.StartAsync("""{"type":6}""", onAnswered: async () =>
        {
            try
            {
                patched.TrySetResult(await Rest(emulator, "PATCH", $"/webhooks/{DiscordEmulator.ApplicationId}/{click["token"]}/messages/@original", edit));
            }
            catch (Exception e)
            {
                patched.TrySetException(e);
            }
        });

        using (var response = await emulator.PostInteractionAsync(worker.Url, click))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var reply = await patched.Task.WaitAsync(TimeSpan.FromSeconds(15));
        EmulatorAssert.NoViolations(emulator.Violations);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal((string)posted["id"]!, reply.Id); // the clicked message is the @original, not one made up
        var message = emulator.Message((string)posted["id"]!)!;
        Assert.Equal(32768, (int)message["flags"]!);
        Assert.Equal("## Answer\nEdited.", (string)message["components"]![0]!["components"]![0]!["content"]!);
        Assert.Equal((6, "inline"), (Assert.Single(emulator.InteractionResponses).Type, emulator.InteractionResponses[0].Via));
    }

    [Fact]
    public async Task Interactions_are_posted_signed_and_an_inline_answer_is_recorded_and_applied()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:up:1")))).Object;
        var click = emulator.ComponentInteraction(posted, "fb:up:1");
        await using var capture = await Capture.StartAsync("""{"type":7,"data":{"content":"Thanks!","components":[]}}""");

        using (var response = await emulator.PostInteractionAsync(capture.Url, click))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(Ed25519Verifier.FromHex(DiscordEmulator.InteractionPublicKeyHex).VerifyDiscordRequest(capture.Timestamp, capture.Body, capture.Signature));
        Assert.True(JsonNode.DeepEquals(click, JsonNode.Parse(capture.Body)));
        Assert.Equal("application/json", capture.ContentType);
        var inline = Assert.Single(emulator.InteractionResponses);
        Assert.Equal((7, "inline"), (inline.Type, inline.Via));
        Assert.Equal("Thanks!", (string?)emulator.Message((string)posted["id"]!)!["content"]);
        Assert.Equal(40060, (int)(await Rest(emulator, "POST", Callback(click), new JsonObject { ["type"] = 6 })).Body!["code"]!);

        // The product's endpoint verifies the same signature (and refuses a wrong one).
        await using var host = await InteractionHost.StartAsync(emulator);
        var endpoint = new Uri(host.BaseAddress, DiscordEndpoints.InteractionsPath);
        var ping = new JsonObject { ["id"] = "1234567890123456705", ["application_id"] = DiscordEmulator.ApplicationId, ["type"] = 1, ["token"] = "tok-ping", ["version"] = 1 };
        using (var pong = await emulator.PostInteractionAsync(endpoint, ping))
        {
            Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
            Assert.Equal(1, (int)JsonNode.Parse(await pong.Content.ReadAsStringAsync())!["type"]!);
        }

        using (var forged = await emulator.PostInteractionAsync(endpoint, ping, signature: new string('0', 128)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }
    }

    [Fact]
    public async Task A_deadline_when_set_refuses_a_late_response_with_10062()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:up:1")))).Object;
        emulator.InteractionResponseDeadline = TimeSpan.Zero;
        var click = emulator.ComponentInteraction(posted, "fb:up:1");
        await Task.Delay(20);

        var late = await Rest(emulator, "POST", Callback(click), new JsonObject { ["type"] = 6 });

        Assert.Equal(HttpStatusCode.NotFound, late.Status);
        Assert.Equal(10062, (int)late.Body!["code"]!);
        Assert.Empty(emulator.InteractionResponses);
    }

    [Fact]
    public async Task Interactions_are_dispatched_over_the_gateway_and_typing_is_recorded()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        var posted = (await Rest(emulator, "POST", $"/channels/{Channel}/messages", Legacy(Button("fb:up:1")))).Object;
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(emulator.WsBase + "/gateway?v=10&encoding=json"), CancellationToken.None);
        var connection = await emulator.NextConnectionAsync();
        var click = emulator.ComponentInteraction(posted, "fb:up:1");

        await connection.DispatchInteractionAsync(click);
        var frame = await ReceiveAsync(client);

        Assert.Equal((0, "INTERACTION_CREATE", 1), ((int)frame["op"]!, (string?)frame["t"], (int)frame["s"]!));
        Assert.True(JsonNode.DeepEquals(click, frame["d"]));
        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", Callback(click), new JsonObject { ["type"] = 6 })).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Rest(emulator, "POST", $"/channels/{Channel}/typing")).Status);
        Assert.Single(emulator.TypingIn(Channel));
        Assert.Empty(emulator.TypingIn("777"));
    }

    [Fact]
    public async Task A_kept_session_replays_to_a_resume_from_before_an_earlier_resume_what_was_sent_after_the_given_seq()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.AutoGateway = true;

        // IDENTIFY (READY is 1); closed keeping the session (4900).
        using (var first = await OpenGatewayAsync(emulator, "/gateway"))
        {
            await SendAsync(first, new JsonObject { ["op"] = 2, ["d"] = new JsonObject { ["token"] = DiscordEmulator.Token, ["intents"] = 0, ["properties"] = new JsonObject(), ["shard"] = new JsonArray(0, 1) } });
            var ready = await ReceiveAsync(first);
            Assert.Equal(("READY", 1), ((string?)ready["t"], (int)ready["s"]!));
            await CloseKeepingSessionAsync(emulator, first);
        }

        // Resumed from 1 once (RESUMED takes 2, as on Discord a number no event replayed later has), closed again.
        var session = "auto-session-1";
        using (var second = await OpenGatewayAsync(emulator, "/resume"))
        {
            await SendAsync(second, Resume(session, 1));
            var resumed = await ReceiveAsync(second);
            Assert.Equal(("RESUMED", 2), ((string?)resumed["t"], (int)resumed["s"]!));
            await CloseKeepingSessionAsync(emulator, second);
        }

        // An event for the session while no connection has it (3), then a resume from 1 again — the seq a holder left
        // before the earlier resume: nothing after 1 was dropped, so the event is replayed, not the session refused.
        var message = DiscordEmulator.MessageCreate("900000000000000001", "550000000000000001", DiscordEmulator.GuildOnShard(0, 1), "660000000000000001", "hi", null);
        Assert.True(await emulator.DispatchToShardAsync(0, "MESSAGE_CREATE", message));
        Assert.Equal(1, emulator.HeldForResume);
        using var third = await OpenGatewayAsync(emulator, "/resume");
        await SendAsync(third, Resume(session, 1));
        var replayed = await ReceiveAsync(third);
        Assert.Equal((0, "MESSAGE_CREATE", 3), ((int)replayed["op"]!, (string?)replayed["t"], (int?)replayed["s"]));
        var done = await ReceiveAsync(third);
        Assert.Equal(("RESUMED", 4), ((string?)done["t"], (int)done["s"]!));
        Assert.Equal(1, emulator.Replayed);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    private static JsonObject Resume(string session, long seq) =>
        new() { ["op"] = 6, ["d"] = new JsonObject { ["token"] = DiscordEmulator.Token, ["session_id"] = session, ["seq"] = seq } };

    /// <summary>A raw gateway connection (automatic mode) past its HELLO.</summary>
    private static async Task<ClientWebSocket> OpenGatewayAsync(DiscordEmulator emulator, string path)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(emulator.WsBase + path + "?v=10&encoding=json"), CancellationToken.None);
        Assert.Equal(10, (int)(await ReceiveAsync(socket))["op"]!);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject payload) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(payload.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Closes with 4900 (not 1000/1001: the session is kept) and waits until the emulator has seen it.</summary>
    private static async Task CloseKeepingSessionAsync(DiscordEmulator emulator, ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.CloseAsync((WebSocketCloseStatus)4900, "handing over", timeout.Token);
        await Eventually.TrueAsync(() => emulator.OpenConnectionsOf(0).Count == 0, "the emulator to see the close");
    }

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    /// <summary>A loopback interactions endpoint that keeps the raw request and answers with a fixed interaction response.</summary>
    private sealed class Capture : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Capture(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public byte[] Body { get; private set; } = [];

        public string? ContentType { get; private set; }

        public string? Timestamp { get; private set; }

        public string? Signature { get; private set; }

        /// <summary>A worker answering every interaction with <paramref name="answer"/>; then (once sent) runs <paramref name="onAnswered"/>.</summary>
        public static async Task<Capture> StartAsync(string answer, Func<Task>? onAnswered = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var capture = new Capture(app);
            app.MapPost("/discord/interactions", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                capture.Body = body.ToArray();
                capture.ContentType = http.Request.ContentType;
                capture.Timestamp = http.Request.Headers["X-Signature-Timestamp"];
                capture.Signature = http.Request.Headers["X-Signature-Ed25519"];
                if (onAnswered is not null)
                {
                    http.Response.OnCompleted(onAnswered); // after the answer is sent, as a worker may use the interaction's webhook
                }

                return Results.Content(answer, "application/json");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            capture.Url = new Uri(address + "/discord/interactions");
            return capture;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
