using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Advisor.Discord.Tests;

public sealed class GatewayTests(ITestOutputHelper output)
{
    private const string BotId = "999000000000000001";
    private const string GuildId = "111000000000000001";
    private const string ChannelId = "222000000000000001";
    private const string ThreadId = "333000000000000001";

    private const string UserId = "444000000000000001";

    /// <summary>A guild message from a user, mentioning the bot.</summary>
    private static JsonObject Mention(string id, string channelId, string question, int channelType = 0) =>
        DiscordEmulator.MessageCreate(id, channelId, GuildId, UserId, question, BotId, channelType);

    /// <summary>A guild message from a user that does not mention the bot.</summary>
    private static JsonObject Plain(string id, string channelId, string text, int channelType = 0) =>
        DiscordEmulator.MessageCreate(id, channelId, GuildId, UserId, text, null, channelType);

    private static async Task<List<RecordedRequest>> SeenAsync(DiscordEmulator emulator, Func<RecordedRequest, bool> match, string what)
    {
        await Eventually.TrueAsync(() => emulator.Requests.Any(match), what);
        return emulator.Requests.Where(match).ToList();
    }

    private static Task<List<RecordedRequest>> ReplyAsync(DiscordEmulator emulator, string messageId) =>
        SeenAsync(emulator, r => DiscordEmulator.IsReplyTo(r, messageId), "the reply to " + messageId);

    private static async Task<GatewayConnection> ConnectAndIdentifyAsync(DiscordEmulator emulator, int intervalMs = 1000, bool ack = true)
    {
        var connection = await emulator.NextConnectionAsync();
        connection.AutoAck = ack;
        await connection.HelloAsync(intervalMs);
        var identify = await connection.ExpectAsync(2);
        Assert.Equal(DiscordEmulator.Token, identify["d"]!["token"]!.GetValue<string>());
        return connection;
    }

    [Fact]
    public async Task A_mention_is_answered_in_reply_with_citations_and_no_pings_and_thread_follow_ups_need_no_mention()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        Assert.Equal("/gateway", c.Path);
        await c.ReadyAsync(1, BotId, "session-1");
        var fromBot = Mention("5001", ChannelId, "written by another bot: what is an AI Architect?");
        fromBot["author"]!["bot"] = true;
        await c.DispatchAsync("MESSAGE_CREATE", 2, fromBot);
        await c.DispatchAsync("MESSAGE_CREATE", 3, Mention("5002", ChannelId, "What skills does an AI Architect need?"));
        await c.DispatchAsync("MESSAGE_CREATE", 4, Mention("5002", ChannelId, "What skills does an AI Architect need?")); // replayed
        var replies = await ReplyAsync(emulator, "5002");

        var body = replies.Single().Body!;
        Assert.Empty(body["allowed_mentions"]!["parse"]!.AsArray());
        var embed = body["embeds"]![0]!;
        Assert.False(string.IsNullOrWhiteSpace(embed["description"]?.GetValue<string>()));
        var fields = embed["fields"]!.AsArray();
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Contains(" › ", f!["name"]!.GetValue<string>(), StringComparison.Ordinal));

        // A thread: the mention is answered, then a follow-up without a mention is answered with the history.
        await c.DispatchAsync("MESSAGE_CREATE", 5, Mention("5003", ThreadId, "What does an AI Scientist do?", channelType: 11));
        await ReplyAsync(emulator, "5003");
        await c.DispatchAsync("MESSAGE_CREATE", 6, Plain("5004", ThreadId, "And what education do they need?", channelType: 11));
        await ReplyAsync(emulator, "5004");

        // A channel message without a mention is not for the bot; the next mention proves it was skipped, not pending.
        await c.DispatchAsync("MESSAGE_CREATE", 7, Plain("5005", ChannelId, "What is an AI Architect?"));
        await c.DispatchAsync("MESSAGE_CREATE", 8, Mention("5006", ChannelId, "What is an AI Architect?"));
        await ReplyAsync(emulator, "5006");

        Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "5002"));
        Assert.DoesNotContain(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "5001") || DiscordEmulator.IsReplyTo(r, "5005"));
        EmulatorAssert.NoViolations(emulator.Violations);
        if (RepoPaths.DiscordOpenApi() is null)
        {
            output.WriteLine(RepoPaths.SkippedWithoutSharedProtocol("the OpenAPI checks of this test's requests"));
        }
        else
        {
            Assert.True(emulator.SpecLoaded, "the OpenAPI spec is there but the emulator did not load it");
        }

        Assert.True(adapter.Status.Connected);
    }

    [Fact]
    public async Task A_zombie_connection_is_closed_resumable_and_resumed_with_no_message_lost_or_doubled()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        using var reconnects = adapter.Metric<long>("advisor.platform.reconnects");
        adapter.StartGateway();

        var first = await ConnectAndIdentifyAsync(emulator, intervalMs: 150, ack: false);
        await first.ReadyAsync(1, BotId, "session-z");
        await first.DispatchAsync("MESSAGE_CREATE", 2, Mention("6001", ChannelId, "What skills does an AI Architect need?"));

        var closeCode = await first.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(closeCode);
        Assert.NotEqual(1000, closeCode);
        Assert.NotEqual(1001, closeCode);

        var second = await emulator.NextConnectionAsync();
        Assert.Equal("/resume", second.Path);
        await second.HelloAsync(1000);
        var resume = await second.ExpectAsync(6);
        Assert.Equal("session-z", resume["d"]!["session_id"]!.GetValue<string>());
        Assert.Equal(2, resume["d"]!["seq"]!.GetValue<long>());

        // At-least-once: the replay repeats 6001 and brings 6002, which the dead connection never delivered.
        await second.DispatchAsync("MESSAGE_CREATE", 2, Mention("6001", ChannelId, "What skills does an AI Architect need?"));
        await second.DispatchAsync("MESSAGE_CREATE", 3, Mention("6002", ChannelId, "What does an AI Scientist do?"));
        await second.DispatchAsync("RESUMED", 4, new JsonObject());
        await ReplyAsync(emulator, "6002");
        await ReplyAsync(emulator, "6001");
        await second.DispatchAsync("MESSAGE_CREATE", 5, Mention("6003", ChannelId, "What is an AI Architect?"));
        await ReplyAsync(emulator, "6003");

        Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "6001"));
        Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "6002"));
        Assert.Equal(2, emulator.GatewayConnections);
        Assert.Contains(adapter.Logs.GetSnapshot(), l => l.Message.Contains("zombie", StringComparison.Ordinal));
        EmulatorAssert.NoViolations(emulator.Violations);

        // The resume is counted once, as a discord resume (the first READY is no reconnect).
        var counted = Assert.Single(reconnects.GetMeasurementSnapshot());
        Assert.Equal(1, counted.Value);
        Assert.Equal("discord", counted.Tags["platform"]);
        Assert.Equal("resume", counted.Tags["reason"]);
    }

    [Fact]
    public async Task Op7_reconnects_and_resumes_on_the_resume_url()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var first = await ConnectAndIdentifyAsync(emulator);
        await first.ReadyAsync(1, BotId, "session-7");
        await first.SendAsync(new JsonObject { ["op"] = 7, ["d"] = null });
        var code = await first.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(1000, code);

        var second = await emulator.NextConnectionAsync();
        Assert.Equal("/resume", second.Path);
        await second.HelloAsync(1000);
        var resume = await second.ExpectAsync(6);
        Assert.Equal(1, resume["d"]!["seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Op9_false_drops_the_session_and_identifies_anew_on_the_gateway_url()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:Intents"] = "37377", ["Advisor:Discord:ShardId"] = "1", ["Advisor:Discord:ShardCount"] = "2" });
        adapter.StartGateway();

        var first = await emulator.NextConnectionAsync();
        await first.HelloAsync(1000);
        var identify = await first.ExpectAsync(2);
        Assert.Equal(37377, identify["d"]!["intents"]!.GetValue<int>());
        Assert.Equal("[1,2]", identify["d"]!["shard"]!.ToJsonString());
        await first.ReadyAsync(1, BotId, "session-9");
        await first.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false });

        var second = await emulator.NextConnectionAsync();
        Assert.Equal("/gateway", second.Path);
        await second.HelloAsync(1000);
        var again = await second.ExpectAsync(2);
        Assert.Equal(DiscordEmulator.Token, again["d"]!["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Close_4014_stops_for_good_naming_the_portal_switch()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:Intents"] = "37377" });
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        await c.CloseAsync(4014, "Disallowed intent(s).");
        await adapter.Running!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, emulator.GatewayConnections);
        Assert.False(adapter.Status.Connected);
        Assert.Contains("Message Content Intent", adapter.Status.State, StringComparison.Ordinal);
        var log = Assert.Single(adapter.Logs.GetSnapshot(), l => l.Level == LogLevel.Critical);
        Assert.Contains("4014", log.Message, StringComparison.Ordinal);
        Assert.Contains("Privileged Gateway Intents", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_4004_is_not_retried()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        await c.CloseAsync(4004, "Authentication failed.");
        await adapter.Running!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, emulator.GatewayConnections);
        Assert.Contains("Advisor:Discord:Token", adapter.Status.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_4000_resumes()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-4000");
        await c.DispatchAsync("MESSAGE_CREATE", 2, Plain("6100", ChannelId, "chatter the bot ignores"));
        await c.CloseAsync(4000, "Unknown error");
        Assert.Equal(4000, await c.Closed.WaitAsync(TimeSpan.FromSeconds(10)));

        // 4000 keeps the session: the client resumes on the resume URL (not IDENTIFY on the gateway URL) at the last seq.
        var second = await emulator.NextConnectionAsync();
        Assert.Equal("/resume", second.Path);
        await second.HelloAsync(1000);
        var resume = await second.ExpectAsync(6);
        Assert.Equal("session-4000", resume["d"]!["session_id"]!.GetValue<string>());
        Assert.Equal(2, resume["d"]!["seq"]!.GetValue<long>());
        Assert.Equal(DiscordEmulator.Token, resume["d"]!["token"]!.GetValue<string>());
        await second.DispatchAsync("RESUMED", 3, new JsonObject());
        await Eventually.TrueAsync(() => adapter.Status.Connected, "connected again after RESUMED");
        Assert.Single(emulator.Requests, r => r.Path == "/api/v10/gateway/bot");
    }

    [Fact]
    public async Task A_user_over_the_question_limit_gets_a_polite_reply_in_the_channel_and_a_thread_is_opened_only_for_an_answer()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Conversations:QuestionsPerUserPerMinute"] = "1", ["Advisor:Discord:CreateThreads"] = "true" });
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-rl");
        await c.DispatchAsync("MESSAGE_CREATE", 2, Mention("7001", ChannelId, "What skills does an AI Architect need?"));
        await SeenAsync(emulator, r => r.Method == "POST" && r.Path == "/api/v10/channels/7001/messages", "the answer in thread 7001");
        await c.DispatchAsync("MESSAGE_CREATE", 3, Mention("7002", ChannelId, "What does an AI Scientist do?"));

        // The refusal is decided on intake, before any thread: it replies to the question in its channel.
        var refusal = Assert.Single(await ReplyAsync(emulator, "7002"));
        Assert.Equal($"/api/v10/channels/{ChannelId}/messages", refusal.Path);
        Assert.Contains(emulator.Requests, r => r.Path == $"/api/v10/channels/{ChannelId}/messages/7001/threads");
        Assert.DoesNotContain(emulator.Requests, r => r.Path.EndsWith("/7002/threads", StringComparison.Ordinal));
        Assert.Contains("try again in", refusal.Body!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Connections_closed_before_READY_are_retried_with_a_doubling_backoff()
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, settings: new GatewaySettings { ReconnectDelay = backoff, MaxReconnectDelay = TimeSpan.FromSeconds(10) });
        adapter.StartGateway();

        // Every connection is closed with 4000 right after Hello and IDENTIFY, so none ever reaches READY.
        var connections = new List<GatewayConnection>();
        for (var i = 0; i < 5; i++)
        {
            var c = await emulator.NextConnectionAsync();
            connections.Add(c);
            await c.HelloAsync(41250);
            await c.ExpectAsync(2);
            await c.CloseAsync(4000, "Unknown error");
        }

        // The gaps the emulator sees are at least the backoff, which doubles: 100, 200, 400, 800 ms. Without a backoff
        // the client would be back within milliseconds. Only lower bounds: a slow machine makes the gaps longer, never shorter.
        for (var i = 1; i < connections.Count; i++)
        {
            var gap = connections[i].ConnectedAt - connections[i - 1].ConnectedAt;
            var expected = backoff * Math.Pow(2, i - 1);
            Assert.True(gap >= expected * 0.9, $"gap {i} was {gap.TotalMilliseconds:0} ms; the backoff is {expected.TotalMilliseconds:0} ms");
        }

        Assert.All(connections, c => Assert.Equal("/gateway", c.Path));
        Assert.True(emulator.Requests.Count(r => r.Path == "/api/v10/gateway/bot") >= 5, "GET /gateway/bot precedes every IDENTIFY");
        Assert.False(adapter.Status.Connected);
    }

    [Fact]
    public async Task Identify_waits_until_an_exhausted_session_start_limit_resets()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.SessionStartRemaining = 0;
        emulator.SessionStartResetAfterMs = 600;
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var c = await emulator.NextConnectionAsync();
        var get = emulator.Requests.First(r => r.Path == "/api/v10/gateway/bot");
        Assert.True(c.ConnectedAt - get.At >= TimeSpan.FromMilliseconds(550), $"connected {(c.ConnectedAt - get.At).TotalMilliseconds:0} ms after GET /gateway/bot reported no session starts left");
        Assert.Contains(adapter.Logs.GetSnapshot(), l => l.Message.Contains("session_start_limit", StringComparison.Ordinal));
        await c.HelloAsync(41250);
        await c.ExpectAsync(2);
    }

    [Fact]
    public async Task A_REST_timeout_is_a_registration_failure_and_a_gateway_retry_not_a_host_crash()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.StallNext($"/api/v10/applications/{DiscordEmulator.ApplicationId}/commands");
        emulator.StallNext("/api/v10/gateway/bot");
        await using var adapter = new AdapterHarness(emulator, configure: services =>
            services.AddHttpClient(DiscordServiceCollectionExtensions.HttpClientName, h => h.Timeout = TimeSpan.FromMilliseconds(300)));
        var service = adapter.Services.GetServices<IHostedService>().OfType<DiscordBotService>().Single();

        await service.StartAsync(CancellationToken.None);
        try
        {
            // Both stalled calls time out; the service goes on to the gateway and retries GET /gateway/bot.
            var c = await emulator.NextConnectionAsync();
            await c.HelloAsync(41250);
            await c.ExpectAsync(2);
            await c.ReadyAsync(1, BotId, "session-timeout");
            await Eventually.TrueAsync(() => adapter.Status.Connected, "connected after the timeouts");

            Assert.False(service.ExecuteTask!.IsCompleted, "the hosted service ended (a fault would stop the whole host)");
            Assert.Equal(2, emulator.Requests.Count(r => r.Path == "/api/v10/gateway/bot"));
            var logs = adapter.Logs.GetSnapshot();
            Assert.Contains(logs, l => l.Level == LogLevel.Error && l.Message.Contains("registration failed", StringComparison.Ordinal) && l.Message.Contains("in time", StringComparison.Ordinal));
            Assert.Contains(logs, l => l.Level == LogLevel.Warning && l.Message.Contains("GET /gateway/bot failed", StringComparison.Ordinal) && l.Message.Contains("retrying", StringComparison.Ordinal));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Typing_shows_only_for_a_slow_answer_and_a_failing_typing_call_loses_no_answer()
    {
        const string Fast = "What skills does an AI Architect need?";
        const string Slow = "What does an AI Scientist do?";
        const string SlowToo = "What education does an AI Architect need?";
        const string ChannelB = "222000000000000002";
        const string ChannelC = "222000000000000003";
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, configure: AdapterHarness.UseGatedAdvisor);
        adapter.Gate.Prepare(Fast, await adapter.Services.GetRequiredService<AdvisorService>().AskAsync(new AdvisorQuestion(Fast, [], "discord", "warm-up", UserId)));
        adapter.Gate.Hold(Slow);
        adapter.Gate.Hold(SlowToo);
        adapter.StartGateway();
        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-typing");

        // A fast answer: no typing call at all.
        await c.DispatchAsync("MESSAGE_CREATE", 2, Mention("8001", ChannelId, Fast));
        await ReplyAsync(emulator, "8001");
        Assert.DoesNotContain(emulator.Requests, r => r.Path.EndsWith("/typing", StringComparison.Ordinal));

        // A slow answer: typing shows while it is being worked out.
        await c.DispatchAsync("MESSAGE_CREATE", 3, Mention("8002", ChannelB, Slow));
        await SeenAsync(emulator, r => r.Path == $"/api/v10/channels/{ChannelB}/typing", "typing in channel B");
        Assert.DoesNotContain(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "8002"));
        adapter.Gate.Release(Slow);
        await ReplyAsync(emulator, "8002");

        // The typing call fails at the HTTP level (connection dropped): the answer still goes out.
        emulator.AbortNext($"/api/v10/channels/{ChannelC}/typing", times: 5);
        await c.DispatchAsync("MESSAGE_CREATE", 4, Mention("8003", ChannelC, SlowToo));
        await SeenAsync(emulator, r => r.Path == $"/api/v10/channels/{ChannelC}/typing", "the dropped typing call in channel C");
        adapter.Gate.Release(SlowToo);
        var reply = Assert.Single(await ReplyAsync(emulator, "8003"));
        Assert.NotNull(reply.Body!["embeds"]);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Dispatches_run_on_a_bounded_number_of_workers_and_shutdown_lets_them_finish()
    {
        string[] questions = ["What does an AI Scientist do?", "What skills does an AI Architect need?", "What education does an AI Architect need?"];
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(
            emulator,
            new() { ["Advisor:Discord:Workers"] = "2" },
            settings: new GatewaySettings { DrainTimeout = TimeSpan.FromSeconds(60), ReconnectDelay = TimeSpan.FromMilliseconds(50) },
            configure: AdapterHarness.UseGatedAdvisor);
        foreach (var q in questions)
        {
            adapter.Gate.Hold(q);
        }

        adapter.StartGateway();
        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-drain");
        for (var i = 0; i < questions.Length; i++)
        {
            await c.DispatchAsync("MESSAGE_CREATE", i + 2, Mention($"910{i}", $"22200000000000010{i}", questions[i]));
        }

        // Two workers: two answers in progress, the third waits in the queue.
        await Eventually.TrueAsync(() => adapter.Gate.Entered.Count == 2, "two answers in progress");
        await Task.Delay(300);
        Assert.Equal(2, adapter.Gate.Entered.Count);

        // Shutdown begins; the gateway loop cannot finish while answers are still being worked out.
        await adapter.StopGatewayAsync();
        await Task.Delay(300);
        Assert.False(adapter.Running!.IsCompleted, "shutdown did not wait for the running answers");

        foreach (var q in questions)
        {
            adapter.Gate.Release(q);
        }

        await adapter.Running.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < questions.Length; i++)
        {
            Assert.Single(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, $"910{i}"));
        }
    }

    [Fact]
    public async Task Ask_in_a_thread_and_mentions_there_share_one_conversation()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();
        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-ask-thread");

        await c.DispatchAsync("INTERACTION_CREATE", 2, new JsonObject
        {
            ["id"] = "880000000000000001",
            ["application_id"] = DiscordEmulator.ApplicationId,
            ["type"] = 2,
            ["token"] = "tok-thread",
            ["version"] = 1,
            ["guild_id"] = GuildId,
            ["channel_id"] = ThreadId,
            ["channel"] = new JsonObject { ["id"] = ThreadId, ["type"] = 11 },
            ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = UserId, ["username"] = "alice" }, ["roles"] = new JsonArray(), ["permissions"] = "0" },
            ["data"] = new JsonObject
            {
                ["id"] = "1", ["name"] = "ask", ["type"] = 1,
                ["options"] = new JsonArray(new JsonObject { ["type"] = 3, ["name"] = "question", ["value"] = "What does an AI Scientist do?" }),
            },
        });
        await SeenAsync(emulator, r => r.Method == "PATCH" && r.Path.Contains("tok-thread", StringComparison.Ordinal), "the /ask answer");

        // /ask made the bot part of the thread's conversation, so a follow-up there needs no mention.
        await c.DispatchAsync("MESSAGE_CREATE", 3, Plain("8101", ThreadId, "And what education do they need?", channelType: 11));
        await ReplyAsync(emulator, "8101");
        EmulatorAssert.NoViolations(emulator.Violations);
    }
}
