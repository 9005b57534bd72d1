using System.Text.Json.Nodes;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Discord.Tests;

/// <summary>
/// Replies under fault injection (issue 10): one delivery policy — nothing lost, nothing doubled — and intake that is
/// bounded, fair between channels and polite when it refuses.
/// </summary>
public sealed class DeliveryTests
{
    private const string BotId = "999000000000000001";
    private const string GuildId = "111000000000000001";
    private const string ChannelA = "222000000000000101";
    private const string ChannelB = "222000000000000102";
    private const string UserId = "444000000000000001";
    private const string Skills = "What skills does an AI Architect need?";
    private const string Scientist = "What does an AI Scientist do?";
    private const string Education = "What education does an AI Architect need?";

    private static JsonObject Mention(string id, string channelId, string question, string userId = UserId) =>
        DiscordEmulator.MessageCreate(id, channelId, GuildId, userId, question, BotId);

    private static async Task<GatewayConnection> ReadyAsync(DiscordEmulator emulator, string session)
    {
        var c = await emulator.NextConnectionAsync();
        await c.IdentifyAsync(BotId, session, heartbeatIntervalMs: 1000);
        return c;
    }

    private static JsonObject AskInteraction(string id, string channelId, string question) => new()
    {
        ["id"] = id,
        ["application_id"] = DiscordEmulator.ApplicationId,
        ["type"] = 2,
        ["token"] = "tok-" + id,
        ["version"] = 1,
        ["guild_id"] = GuildId,
        ["channel_id"] = channelId,
        ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = UserId, ["username"] = "alice" }, ["roles"] = new JsonArray(), ["permissions"] = "0" },
        ["data"] = new JsonObject
        {
            ["id"] = "1", ["name"] = "ask", ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["type"] = 3, ["name"] = "question", ["value"] = question }),
        },
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reply_whose_post_fails_with_a_5xx_is_in_the_channel_exactly_once(bool afterStore)
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        emulator.FailNext($"/api/v10/channels/{ChannelA}/messages", 500, afterStore, method: "POST");
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-5xx");

        await c.DispatchNextAsync("MESSAGE_CREATE", Mention("9101", ChannelA, Skills));

        // The first attempt's outcome is unclear to the bot: it sends again with the same nonce, and Discord keeps one.
        await Eventually.TrueAsync(
            () => emulator.Requests.Count(r => DiscordEmulator.IsReplyTo(r, "9101")) == 2 && emulator.MessagesIn(ChannelA).Count > 0,
            "the second attempt, and the message kept");
        await Task.Delay(200); // nothing further may follow
        var attempts = emulator.Requests.Where(r => DiscordEmulator.IsReplyTo(r, "9101")).ToList();
        Assert.All(attempts, a => Assert.Equal(MessageCreateHandler.Nonce('a', "9101", 0), a.Body!["nonce"]!.GetValue<string>()));
        Assert.All(attempts, a => Assert.True(a.Body!["enforce_nonce"]!.GetValue<bool>()));
        var stored = Assert.Single(emulator.MessagesIn(ChannelA));
        Assert.NotNull(stored["embeds"]);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Posting_a_channel_message_is_never_retried_blindly_by_the_REST_client()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        emulator.FailNext("/api/v10/channels/42/messages", 502);

        var error = await Assert.ThrowsAsync<DiscordApiException>(() => adapter.Rest.CreateMessageAsync("42", new DiscordMessagePayload { Content = "hi" }, CancellationToken.None));

        Assert.Equal(502, error.Status);
        Assert.Single(emulator.Requests);
        Assert.Empty(emulator.MessagesIn("42"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interaction_answer_whose_edit_fails_with_a_5xx_is_checked_with_GET_original_and_shown_once(bool afterStore)
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        const string id = "880000000000000101";
        emulator.FailNext($"/api/v10/webhooks/{DiscordEmulator.ApplicationId}/tok-{id}/messages/@original", 503, afterStore, method: "PATCH");
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-edit");

        await c.DispatchNextAsync("INTERACTION_CREATE", AskInteraction(id, ChannelA, Skills));

        await Eventually.TrueAsync(
            () => emulator.Originals.TryGetValue("tok-" + id, out var o) && o["embeds"] is JsonArray && emulator.Requests.Any(r => r.Method == "GET"),
            "the answer in @original, checked");
        await Task.Delay(300); // nothing further may follow
        var patches = emulator.Requests.Count(r => r.Method == "PATCH");
        var gets = emulator.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/@original", StringComparison.Ordinal));
        Assert.Equal(1, gets);
        Assert.Equal(afterStore ? 1 : 2, patches); // stored: Discord shows it, not sent again; not stored: sent again once
        Assert.Single(emulator.Requests, r => r.Path.EndsWith("/callback", StringComparison.Ordinal));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_deferral_whose_callback_failed_after_arriving_is_not_doubled_and_the_answer_follows()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        const string id = "880000000000000102";
        emulator.FailNext($"/api/v10/interactions/{id}/", 500, afterStore: true);
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-callback");

        await c.DispatchNextAsync("INTERACTION_CREATE", AskInteraction(id, ChannelA, Skills));

        // The repeat is refused with 40060 "already acknowledged": the deferral is there, the work goes on.
        await Eventually.TrueAsync(() => emulator.Originals.TryGetValue("tok-" + id, out var o) && o["embeds"] is JsonArray, "the answer");
        Assert.Equal(2, emulator.Requests.Count(r => r.Path.EndsWith("/callback", StringComparison.Ordinal)));
        Assert.Single(emulator.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task A_slow_channel_holds_one_worker_and_other_channels_are_answered_meanwhile()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:Workers"] = "2" }, configure: AdapterHarness.UseGatedAdvisor);
        adapter.Gate.Hold(Scientist);
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-fair");

        // Channel A: three slow questions (one user each). Channel B: three others.
        for (var i = 0; i < 3; i++)
        {
            await c.DispatchNextAsync("MESSAGE_CREATE", Mention($"920{i}", ChannelA, Scientist, $"44400000000000020{i}"));
        }

        for (var i = 0; i < 3; i++)
        {
            await c.DispatchNextAsync("MESSAGE_CREATE", Mention($"930{i}", ChannelB, i % 2 == 0 ? Skills : Education, $"44400000000000030{i}"));
        }

        // Channel B is answered in full while A's first answer is held: A runs one at a time, on one worker.
        await Eventually.TrueAsync(() => Enumerable.Range(0, 3).All(i => emulator.Requests.Any(r => DiscordEmulator.IsReplyTo(r, $"930{i}"))), "channel B's answers");
        Assert.Equal(1, adapter.Gate.Entered.Count(q => q == Scientist));
        Assert.DoesNotContain(emulator.Requests, r => r.Path.Contains(ChannelA, StringComparison.Ordinal) && r.Method == "POST" && !r.Path.EndsWith("/typing", StringComparison.Ordinal));

        adapter.Gate.Release(Scientist);
        await Eventually.TrueAsync(() => Enumerable.Range(0, 3).All(i => emulator.Requests.Any(r => DiscordEmulator.IsReplyTo(r, $"920{i}"))), "channel A's answers");

        // In order within the channel (the emulator stores a message just after it records the request: wait for all three).
        await Eventually.TrueAsync(() => emulator.MessagesIn(ChannelA).Count() == 3, "channel A's messages stored");
        var order = emulator.MessagesIn(ChannelA).Select(m => m["message_reference"]!["message_id"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { "9200", "9201", "9202" }, order);
    }

    [Fact]
    public async Task When_the_queue_is_full_a_channel_gets_one_polite_busy_reply_and_each_refusal_is_counted()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(
            emulator,
            new() { ["Advisor:Discord:Workers"] = "1", ["Advisor:Discord:QueueCapacity"] = "2" },
            configure: AdapterHarness.UseGatedAdvisor);
        using var refused = adapter.Metric<long>("advisor.questions.refused");
        adapter.Gate.Hold(Scientist);
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-busy");

        await c.DispatchNextAsync("MESSAGE_CREATE", Mention("9401", ChannelA, Scientist, "444000000000000401"));
        await Eventually.TrueAsync(() => adapter.Gate.Entered.Count == 1, "the first answer running");
        await c.DispatchNextAsync("MESSAGE_CREATE", Mention("9402", ChannelA, Skills, "444000000000000402"));
        for (var i = 3; i <= 5; i++)
        {
            await c.DispatchNextAsync("MESSAGE_CREATE", Mention($"940{i}", ChannelA, Skills, $"44400000000000040{i}"));
        }

        var busy = Assert.Single(await ReplyAsync(emulator, "9403"));
        Assert.Equal(TurnNotice.BusyText, busy.Body!["content"]!.GetValue<string>());
        await Eventually.TrueAsync(() => refused.GetMeasurementSnapshot().Count == 3, "three refusals counted");
        Assert.All(refused.GetMeasurementSnapshot(), m => Assert.Equal("busy", m.Tags["reason"]));

        adapter.Gate.Release(Scientist);
        await ReplyAsync(emulator, "9401");
        await ReplyAsync(emulator, "9402");
        Assert.DoesNotContain(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "9404") || DiscordEmulator.IsReplyTo(r, "9405"));
        var gate = adapter.Services.GetRequiredService<QuestionGate>();
        await Eventually.TrueAsync(() => gate.InFlight == 0, "every hold given back once its reply was posted");
    }

    [Fact]
    public async Task A_user_over_the_limit_gets_one_refusal_however_many_messages_they_send()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Conversations:QuestionsPerUserPerMinute"] = "1" });
        using var refused = adapter.Metric<long>("advisor.questions.refused");
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-limit");

        for (var i = 1; i <= 6; i++)
        {
            await c.DispatchNextAsync("MESSAGE_CREATE", Mention($"950{i}", ChannelA, Skills));
        }

        // Another user's question, taken in after all of them, answered: every refusal has been decided by then.
        await c.DispatchNextAsync("MESSAGE_CREATE", Mention("9599", ChannelB, Skills, "444000000000000599"));
        await ReplyAsync(emulator, "9599");
        await ReplyAsync(emulator, "9501");
        var refusal = Assert.Single(await ReplyAsync(emulator, "9502"));
        Assert.Contains("try again in", refusal.Body!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.DoesNotContain(emulator.Requests, r => Enumerable.Range(3, 4).Any(i => DiscordEmulator.IsReplyTo(r, $"950{i}")));
        Assert.Equal(5, refused.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "rate_limited"));
    }

    [Fact]
    public async Task Once_shutdown_began_a_mention_gets_the_restarting_reply_and_it_is_held_until_posted()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        using var refused = adapter.Metric<long>("advisor.questions.refused");
        var gate = adapter.Services.GetRequiredService<QuestionGate>();
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-restart");
        gate.Close();
        int? heldAtReply = null;
        emulator.RequestObserver = r =>
        {
            if (DiscordEmulator.IsReplyTo(r, "9601"))
            {
                heldAtReply = gate.InFlight; // the reply is on its way to Discord: still held
            }
        };

        await c.DispatchNextAsync("MESSAGE_CREATE", Mention("9601", ChannelA, Skills));
        await c.DispatchNextAsync("INTERACTION_CREATE", AskInteraction("880000000000000601", ChannelA, Skills));

        var reply = Assert.Single(await ReplyAsync(emulator, "9601"));
        Assert.Equal(QuestionGate.RestartingText, reply.Body!["content"]!.GetValue<string>());
        var callback = (await SeenAsync(emulator, r => r.Path.EndsWith("/callback", StringComparison.Ordinal), "the interaction's callback")).Single();
        Assert.Equal(4, callback.Body!["type"]!.GetValue<int>());
        Assert.Equal(64, callback.Body!["data"]!["flags"]!.GetValue<int>());
        Assert.Equal(QuestionGate.RestartingText, callback.Body!["data"]!["content"]!.GetValue<string>());
        Assert.True(heldAtReply >= 1, "the restarting reply was not held on the gate while it was posted");
        await gate.WaitDrainedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(2, refused.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "shutting_down"));
    }

    [Fact]
    public void Reply_nonces_fit_Discords_limit_for_any_snowflake_and_differ_by_kind_and_part()
    {
        var id = ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonces = new[] { 'a', 'e', 'n' }.SelectMany(k => Enumerable.Range(0, 12).Select(p => MessageCreateHandler.Nonce(k, id, p))).ToList();
        Assert.All(nonces, n => Assert.InRange(n.Length, 1, DiscordMessagePayload.MaxNonceLength));
        Assert.Equal(nonces.Count, nonces.Distinct().Count());
    }

    [Theory]
    [InlineData("../../../channels/555/messages")]
    [InlineData("tok?x=1#frag")]
    [InlineData("..")]
    public async Task The_REST_client_refuses_a_token_that_is_not_one_and_sends_nothing(string token)
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);

        await Assert.ThrowsAsync<ArgumentException>(() => adapter.Rest.EditOriginalResponseAsync(token, new DiscordMessagePayload { Content = "x" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.Rest.CreateFollowupAsync(token, new DiscordMessagePayload { Content = "x" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => adapter.Rest.CreateInteractionResponseAsync("1", token, InteractionResponse.Pong, CancellationToken.None));
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task Every_value_in_a_REST_path_stays_one_segment()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);

        Assert.Equal("a%2Fb%3Fc%3D1%23d", DiscordRestClient.Segment("a/b?c=1#d"));
        Assert.Throws<ArgumentException>(() => DiscordRestClient.Segment(".."));
        await adapter.Rest.CreateMessageAsync("555/messages/1?x=1#f", new DiscordMessagePayload { Content = "x" }, CancellationToken.None);

        var request = Assert.Single(emulator.Requests);
        // One segment: the server decodes '?' and '#' in its path but keeps %2F, and the route still ends in /messages.
        Assert.Equal("/api/v10/channels/555%2Fmessages%2F1?x=1#f/messages", request.Path);
    }

    private static async Task<List<RecordedRequest>> SeenAsync(DiscordEmulator emulator, Func<RecordedRequest, bool> match, string what)
    {
        await Eventually.TrueAsync(() => emulator.Requests.Any(match), what);
        return emulator.Requests.Where(match).ToList();
    }

    private static Task<List<RecordedRequest>> ReplyAsync(DiscordEmulator emulator, string messageId) =>
        SeenAsync(emulator, r => DiscordEmulator.IsReplyTo(r, messageId), "the reply to " + messageId);
}
