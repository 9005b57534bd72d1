using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Tests;

public sealed class GatewayTests
{
    private const string BotId = "999000000000000001";
    private const string GuildId = "111000000000000001";
    private const string ChannelId = "222000000000000001";
    private const string ThreadId = "333000000000000001";

    private static JsonObject Message(string id, string channelId, string content, bool mentionBot, string authorId = "444000000000000001", bool bot = false, int channelType = 0) => new()
    {
        ["id"] = id,
        ["channel_id"] = channelId,
        ["guild_id"] = GuildId,
        ["channel_type"] = channelType,
        ["author"] = new JsonObject { ["id"] = authorId, ["username"] = "alice", ["bot"] = bot },
        ["content"] = content,
        ["mentions"] = mentionBot ? new JsonArray(new JsonObject { ["id"] = BotId, ["username"] = "advisor", ["bot"] = true }) : new JsonArray(),
        ["mention_roles"] = new JsonArray(),
        ["mention_everyone"] = false,
        ["type"] = 0,
        ["timestamp"] = "2026-01-01T00:00:00+00:00",
    };

    private static bool ReplyTo(RecordedRequest r, string messageId) =>
        r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) && r.Body?["message_reference"]?["message_id"]?.GetValue<string>() == messageId;

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
        await c.DispatchAsync("MESSAGE_CREATE", 2, Message("5001", ChannelId, "written by another bot <@999000000000000001> what is an AI Architect?", true, bot: true));
        await c.DispatchAsync("MESSAGE_CREATE", 3, Message("5002", ChannelId, $"<@{BotId}> What skills does an AI Architect need?", true));
        await c.DispatchAsync("MESSAGE_CREATE", 4, Message("5002", ChannelId, $"<@{BotId}> What skills does an AI Architect need?", true)); // replayed
        var replies = await emulator.WaitForAsync(r => ReplyTo(r, "5002"));

        var body = replies.Single().Body!;
        Assert.Empty(body["allowed_mentions"]!["parse"]!.AsArray());
        var embed = body["embeds"]![0]!;
        Assert.False(string.IsNullOrWhiteSpace(embed["description"]?.GetValue<string>()));
        var fields = embed["fields"]!.AsArray();
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Contains(" › ", f!["name"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(emulator.Requests, r => r.Path == $"/api/v10/channels/{ChannelId}/typing");

        // A thread: the mention is answered, then a follow-up without a mention is answered with the history.
        await c.DispatchAsync("MESSAGE_CREATE", 5, Message("5003", ThreadId, $"<@{BotId}> What does an AI Scientist do?", true, channelType: 11));
        await emulator.WaitForAsync(r => ReplyTo(r, "5003"));
        await c.DispatchAsync("MESSAGE_CREATE", 6, Message("5004", ThreadId, "And what education do they need?", false, channelType: 11));
        await emulator.WaitForAsync(r => ReplyTo(r, "5004"));

        // A channel message without a mention is not for the bot; the next mention proves it was skipped, not pending.
        await c.DispatchAsync("MESSAGE_CREATE", 7, Message("5005", ChannelId, "What is an AI Architect?", false));
        await c.DispatchAsync("MESSAGE_CREATE", 8, Message("5006", ChannelId, $"<@{BotId}> What is an AI Architect?", true));
        await emulator.WaitForAsync(r => ReplyTo(r, "5006"));

        Assert.Single(emulator.Requests, r => ReplyTo(r, "5002"));
        Assert.DoesNotContain(emulator.Requests, r => ReplyTo(r, "5001") || ReplyTo(r, "5005"));
        Assert.Empty(emulator.Violations);
        Assert.True(emulator.SpecLoaded, "the OpenAPI spec was not found above the test assembly");
        Assert.True(adapter.Status.Connected);
    }

    [Fact]
    public async Task A_zombie_connection_is_closed_resumable_and_resumed_with_no_message_lost_or_doubled()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        adapter.StartGateway();

        var first = await ConnectAndIdentifyAsync(emulator, intervalMs: 150, ack: false);
        await first.ReadyAsync(1, BotId, "session-z");
        await first.DispatchAsync("MESSAGE_CREATE", 2, Message("6001", ChannelId, $"<@{BotId}> What skills does an AI Architect need?", true));

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
        await second.DispatchAsync("MESSAGE_CREATE", 2, Message("6001", ChannelId, $"<@{BotId}> What skills does an AI Architect need?", true));
        await second.DispatchAsync("MESSAGE_CREATE", 3, Message("6002", ChannelId, $"<@{BotId}> What does an AI Scientist do?", true));
        await second.DispatchAsync("RESUMED", 4, new JsonObject());
        await emulator.WaitForAsync(r => ReplyTo(r, "6002"));
        await emulator.WaitForAsync(r => ReplyTo(r, "6001"));
        await second.DispatchAsync("MESSAGE_CREATE", 5, Message("6003", ChannelId, $"<@{BotId}> What is an AI Architect?", true));
        await emulator.WaitForAsync(r => ReplyTo(r, "6003"));

        Assert.Single(emulator.Requests, r => ReplyTo(r, "6001"));
        Assert.Single(emulator.Requests, r => ReplyTo(r, "6002"));
        Assert.Equal(2, emulator.GatewayConnections);
        Assert.Contains(adapter.Logs.GetSnapshot(), l => l.Message.Contains("zombie", StringComparison.Ordinal));
        Assert.Empty(emulator.Violations);
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
        await c.CloseAsync(4000, "Unknown error");
        var second = await emulator.NextConnectionAsync();
        await second.HelloAsync(1000);
        var resume = await second.ExpectAsync(6);
        Assert.Equal("session-4000", resume["d"]!["session_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_over_the_question_limit_gets_a_polite_reply_and_a_thread_is_opened_when_configured()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Conversations:QuestionsPerUserPerMinute"] = "1", ["Advisor:Discord:CreateThreads"] = "true" });
        adapter.StartGateway();

        var c = await ConnectAndIdentifyAsync(emulator);
        await c.ReadyAsync(1, BotId, "session-rl");
        await c.DispatchAsync("MESSAGE_CREATE", 2, Message("7001", ChannelId, $"<@{BotId}> What skills does an AI Architect need?", true));
        await emulator.WaitForAsync(r => r.Method == "POST" && r.Path == "/api/v10/channels/7001/messages");
        await c.DispatchAsync("MESSAGE_CREATE", 3, Message("7002", ChannelId, $"<@{BotId}> What does an AI Scientist do?", true));
        var refusal = (await emulator.WaitForAsync(r => r.Method == "POST" && r.Path == "/api/v10/channels/7002/messages")).Single();

        Assert.Contains(emulator.Requests, r => r.Path == $"/api/v10/channels/{ChannelId}/messages/7001/threads");
        Assert.Contains("try again in", refusal.Body!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(emulator.Violations);
    }
}
