using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Advisor.Discord.Tests;

/// <summary>
/// Discord on the turn pipeline: a thread's follow-up is recognised and answered from the conversation store, a thread
/// the bot opened carries its conversation, /ask keeps its turn only once the answer is shown, and a reply can be edited.
/// </summary>
public sealed class ConversationTests
{
    private const string BotId = "999000000000000001";
    private const string GuildId = "111000000000000001";
    private const string ChannelId = "222000000000000301";
    private const string ThreadId = "333000000000000301";
    private const string UserId = "444000000000000301";

    private static async Task<GatewayConnection> ReadyAsync(DiscordEmulator emulator, string session)
    {
        var c = await emulator.NextConnectionAsync();
        await c.IdentifyAsync(BotId, session, heartbeatIntervalMs: 1000);
        return c;
    }

    private static async Task<RecordedRequest> ReplyAsync(DiscordEmulator emulator, string messageId)
    {
        await Eventually.TrueAsync(() => emulator.Requests.Any(r => DiscordEmulator.IsReplyTo(r, messageId)), "the reply to " + messageId);
        return emulator.Requests.Single(r => DiscordEmulator.IsReplyTo(r, messageId));
    }

    private static IReadOnlyList<string> Citations(JsonNode message) =>
        ((message["embeds"] as JsonArray) ?? [])
            .SelectMany(e => (e?["fields"] as JsonArray) ?? [])
            .Select(f => (string?)f?["name"] ?? "")
            .Where(n => n.Contains(" › ", StringComparison.Ordinal))
            .ToList();

    [Fact]
    public async Task A_follow_up_in_a_thread_answered_by_an_earlier_process_is_recognised_from_the_store_and_keeps_its_subject()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        await store.AppendTurnAsync(new TurnRecord("discord:" + ThreadId, "discord", null, "What skills does an AI Architect need?", new TurnAnswer
        {
            Kind = AnswerKind.Answer,
            Roles = ["AI Architect"],
            Aspect = "skills",
        }, TimeSpan.Zero));
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-store");

        // Thread chatter elsewhere is left alone; the follow-up in the known thread is answered, about its subject.
        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("7301", "333000000000000399", GuildId, UserId, "lunch?", null, channelType: 11));
        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("7302", ThreadId, GuildId, UserId, "and their education?", null, channelType: 11));
        var reply = await ReplyAsync(emulator, "7302");

        var citations = Citations(reply.Body!);
        Assert.NotEmpty(citations);
        Assert.All(citations, l => Assert.Contains("AI Architect", l, StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.Requests, r => DiscordEmulator.IsReplyTo(r, "7301"));
        // The turn is kept once Discord has answered the post, a moment after the emulator saw it.
        await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync("discord:" + ThreadId)).Count == 2, "the follow-up's turn kept");
        var turns = await store.RecentTurnsAsync("discord:" + ThreadId);
        Assert.Equal(["What skills does an AI Architect need?", "and their education?"], turns.Select(t => t.Question));
        var entry = (await store.ReadLogAsync(new QuestionLogQuery())).First();
        Assert.Equal(adapter.Services.GetRequiredService<UserHasher>().Hash("discord", UserId), entry.UserHash);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_thread_the_bot_opened_for_an_answer_carries_the_conversation()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:CreateThreads"] = "true" });
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-threads");

        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("7401", ChannelId, GuildId, UserId, "What does an AI Architect do?", BotId));
        await Eventually.TrueAsync(() => emulator.MessagesIn("7401").Count == 1, "the answer in the thread opened from the question");

        // The turn is kept once Discord has answered the post, a moment after the emulator shows it: a person's follow-up
        // comes later than that; the test waits for it instead of racing it.
        await Eventually.TrueAsync(async () => (await adapter.Services.GetRequiredService<IConversationStore>().RecentTurnsAsync("discord:7401")).Count == 1, "the first turn kept in the thread");

        // Discord gives the thread the question's id; a follow-up there needs no mention.
        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("7402", "7401", GuildId, UserId, "and their education?", null, channelType: 11));
        var reply = await ReplyAsync(emulator, "7402");

        Assert.All(Citations(reply.Body!), l => Assert.Contains("AI Architect", l, StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => (await adapter.Services.GetRequiredService<IConversationStore>().RecentTurnsAsync("discord:7401")).Count == 2, "both turns kept in the thread");
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Ask_keeps_its_turn_only_once_the_answer_is_shown()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        const string refused = "880000000000000701";
        const string shown = "880000000000000702";
        emulator.FailNext($"/api/v10/webhooks/{DiscordEmulator.ApplicationId}/tok-{refused}/messages/@original", 400, afterStore: false, method: "PATCH");
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-ask");

        // The edit is refused for good: the answer never showed, so the thread is not one the bot takes part in.
        await c.DispatchNextAsync("INTERACTION_CREATE", Ask(refused, "What does an AI Architect do?"));
        await Eventually.TrueAsync(() => emulator.Requests.Any(r => r.Method == "PATCH" && r.Path.Contains(refused, StringComparison.Ordinal)), "the refused edit");
        await Task.Delay(200);
        Assert.False(await store.KnowsAsync("discord:" + ThreadId));

        await c.DispatchNextAsync("INTERACTION_CREATE", Ask(shown, "What does an AI Architect do?"));
        await Eventually.TrueAsync(() => emulator.Originals.TryGetValue("tok-" + shown, out var o) && o["embeds"] is JsonArray, "the shown answer");
        await Eventually.TrueAsync(() => store.KnowsAsync("discord:" + ThreadId).Result, "the turn kept");
        Assert.Equal(["What does an AI Architect do?"], (await store.RecentTurnsAsync("discord:" + ThreadId)).Select(t => t.Question));
    }

    [Fact]
    public async Task A_reply_can_be_edited_in_place()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var reply = new DiscordMessageReply(
            adapter.Services.GetRequiredService<DiscordDelivery>(), adapter.Rest, TimeProvider.System, NullLogger.Instance,
            new DiscordMessageReply.Question("7501", ChannelId, "What does an AI Architect do?", OpenThread: false));
        var first = await adapter.Advisor.AskAsync(AdvisorQuestion.Simple("What does an AI Architect do?"));
        var second = await adapter.Advisor.AskAsync(AdvisorQuestion.Simple("What tools does an AI Scientist use?"));

        var sent = await reply.SendAnswerAsync(new TurnReply(TurnId.New(DateTimeOffset.UtcNow), "q", first), CancellationToken.None);
        var updated = await reply.UpdateAsync(sent.MessageId!, new TurnReply(TurnId.New(DateTimeOffset.UtcNow), "q", second), CancellationToken.None);

        Assert.True(sent.Delivered);
        Assert.True(updated.Delivered);
        var stored = Assert.Single(emulator.MessagesIn(ChannelId));
        Assert.Equal(sent.MessageId, stored["id"]!.GetValue<string>());
        Assert.Contains(Citations(stored), l => l.Contains("AI Scientist", StringComparison.Ordinal));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    private static JsonObject Ask(string id, string question) => new()
    {
        ["id"] = id,
        ["application_id"] = DiscordEmulator.ApplicationId,
        ["type"] = 2,
        ["token"] = "tok-" + id,
        ["version"] = 1,
        ["guild_id"] = GuildId,
        ["channel_id"] = ThreadId,
        ["channel"] = new JsonObject { ["id"] = ThreadId, ["type"] = 11 },
        ["member"] = new JsonObject { ["user"] = new JsonObject { ["id"] = UserId, ["username"] = "alice" }, ["roles"] = new JsonArray(), ["permissions"] = "0" },
        ["data"] = new JsonObject
        {
            ["id"] = "1", ["name"] = "ask", ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["type"] = 3, ["name"] = "question", ["value"] = question }),
        },
    };
}
