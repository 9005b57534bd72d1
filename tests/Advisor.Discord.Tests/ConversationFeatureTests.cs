using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Advisor.Testing;
using Advisor.Testing.Discord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Advisor.Discord.Tests;

/// <summary>
/// Issue 11 §3 on Discord, end to end against the emulator over the real gateway and the signed HTTP endpoint:
/// 👍/👎 kept with the turn, 👎's "What was missing?" modal, suggested follow-ups answered in the same conversation,
/// typing for a slow answer, and answers streamed by edits (paced, ending as the non-streamed message) or, from the
/// extractive default, posted at once.
/// </summary>
public sealed class ConversationFeatureTests
{
    private const string BotId = "999000000000000001";
    private const string GuildId = "111000000000000001";
    private const string ChannelId = "222000000000000801";

    /// <summary>The emulator's clicking user asks the questions too, so a follow-up click continues their conversation.</summary>
    private const string UserId = DiscordEmulator.UserId;

    private const string Question = "What skills does an AI Architect need?";

    private static async Task<GatewayConnection> ReadyAsync(DiscordEmulator emulator, string session)
    {
        var c = await emulator.NextConnectionAsync();
        await c.IdentifyAsync(BotId, session, heartbeatIntervalMs: 1000);
        return c;
    }

    /// <summary>Asks by a mention and returns the answer's message as the emulator holds it once it has its buttons.</summary>
    private static async Task<JsonObject> AskAsync(DiscordEmulator emulator, GatewayConnection c, string messageId, string question = Question)
    {
        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate(messageId, ChannelId, GuildId, UserId, question, BotId));
        JsonObject? answer = null;
        await Eventually.TrueAsync(
            () => (answer = emulator.MessagesIn(ChannelId).LastOrDefault(m => (string?)m["message_reference"]?["message_id"] == messageId)) is not null,
            "the answer to " + messageId);
        return answer!;
    }

    private static IEnumerable<string> CustomIds(JsonObject message) =>
        ((message["components"] as JsonArray) ?? []).SelectMany(r => (r?["components"] as JsonArray) ?? []).Select(b => (string)b!["custom_id"]!);

    private static async Task<QuestionLogEntry> LoggedAsync(IConversationStore store, Func<QuestionLogEntry, bool> condition, string what)
    {
        QuestionLogEntry? found = null;
        await Eventually.TrueAsync(async () => (found = (await store.ReadLogAsync(new QuestionLogQuery())).FirstOrDefault(condition)) is not null, what);
        return found!;
    }

    [Fact]
    public async Task Thumbs_up_over_the_HTTP_endpoint_is_kept_with_the_turn_and_acknowledged_quietly()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var host = await InteractionHost.StartAsync(emulator);
        var store = host.App.Services.GetRequiredService<IConversationStore>();
        var endpoint = new Uri(host.BaseAddress, DiscordEndpoints.InteractionsPath);

        var ask = InteractionHost.Ask(Question, "880000000000000801");
        using (await emulator.PostInteractionAsync(endpoint, ask))
        {
        }

        JsonObject? answer = null;
        await Eventually.TrueAsync(() => emulator.Originals.TryGetValue("tok-880000000000000801", out var o) && (answer = o)["components"] is JsonArray, "the /ask answer with its buttons");
        var up = CustomIds(answer!).Single(id => id.StartsWith("fb:up:", StringComparison.Ordinal));
        Assert.Contains(CustomIds(answer!), id => id.StartsWith("fb:down:", StringComparison.Ordinal));
        Assert.Contains(CustomIds(answer!), id => id.StartsWith("fu:", StringComparison.Ordinal));
        await LoggedAsync(store, e => e.Question == Question, "the turn kept");

        var click = emulator.ComponentInteraction(answer!, up);
        using (await emulator.PostInteractionAsync(endpoint, click))
        {
        }

        using (var repeat = await host.PostAsync(click.ToJsonString())) // the same click again: the same answer, worked on once
        {
            Assert.Equal(6, (int)JsonNode.Parse(await repeat.Content.ReadAsStringAsync())!["type"]!);
        }

        var entry = await LoggedAsync(store, e => e.Feedback is not null, "the 👍 kept");
        Assert.Equal(FeedbackRating.Up, entry.Feedback!.Rating);
        Assert.Equal(up["fb:up:".Length..], entry.Id.ToString());
        var response = Assert.Single(emulator.ResponsesTo((string)click["id"]!));
        Assert.Equal(6, response.Type); // no visible change
        Assert.Equal("inline", response.Via);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Thumbs_down_over_the_gateway_opens_the_modal_and_its_text_is_kept()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-feedback");

        var answer = await AskAsync(emulator, c, "8801");
        await LoggedAsync(store, e => e.Question == Question, "the turn kept");
        var down = CustomIds(answer).Single(id => id.StartsWith("fb:down:", StringComparison.Ordinal));
        var click = emulator.ComponentInteraction(answer, down);
        await c.DispatchInteractionAsync(click);

        await Eventually.TrueAsync(() => emulator.ResponsesTo((string)click["id"]!).Count == 1, "the modal");
        var modal = emulator.ResponsesTo((string)click["id"]!).Single();
        Assert.Equal(9, modal.Type);
        Assert.Equal("What was missing?", (string?)modal.Data!["title"]);
        Assert.Equal(FeedbackRating.Down, (await LoggedAsync(store, e => e.Feedback is not null, "the 👎 kept")).Feedback!.Rating);

        var submit = emulator.ModalSubmit(modal, new Dictionary<string, string> { ["missing"] = "More on the tools they use" });
        await c.DispatchInteractionAsync(submit);

        var entry = await LoggedAsync(store, e => e.Feedback?.Text is not null, "the text kept");
        Assert.Equal(new TurnFeedback(FeedbackRating.Down, "More on the tools they use"), entry.Feedback);
        Assert.Equal(down["fb:down:".Length..], entry.Id.ToString());
        await Eventually.TrueAsync(() => emulator.ResponsesTo((string)submit["id"]!).Count == 1, "the submit acknowledged");
        Assert.Equal(6, emulator.ResponsesTo((string)submit["id"]!).Single().Type);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_suggested_follow_up_click_is_answered_in_the_same_conversation()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator);
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-follow-up");

        var answer = await AskAsync(emulator, c, "8811");
        await LoggedAsync(store, e => e.Question == Question, "the turn kept");
        var followUp = CustomIds(answer).First(id => id.StartsWith("fu:", StringComparison.Ordinal));
        var asked = FollowUps.Question(followUp[3..], adapter.Advisor.Knowledge);
        Assert.NotNull(asked);

        var click = emulator.ComponentInteraction(answer, followUp);
        await c.DispatchInteractionAsync(click);

        // Deferred ("thinking…") in the answer's channel, then the answer edited in, with buttons of its own.
        await Eventually.TrueAsync(() => emulator.Originals.TryGetValue((string)click["token"]!, out var o) && o["embeds"] is JsonArray, "the follow-up's answer");
        var response = emulator.ResponsesTo((string)click["id"]!).Single();
        Assert.Equal(5, response.Type);
        Assert.False(response.Ephemeral);
        var shown = emulator.Originals[(string)click["token"]!];
        Assert.Equal(ChannelId, (string?)shown["channel_id"]);
        Assert.Contains(CustomIds(shown), id => id.StartsWith("fb:up:", StringComparison.Ordinal));

        // The same conversation (the asker's own in this channel): the follow-up is its second turn.
        var conversation = $"discord:{ChannelId}:{adapter.Services.GetRequiredService<UserHasher>().Hash("discord", UserId)}";
        await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync(conversation)).Count == 2, "the follow-up kept in the conversation");
        Assert.Equal([Question, asked], (await store.RecentTurnsAsync(conversation)).Select(t => t.Question));

        // A tampered key is acknowledged quietly and answers nothing.
        var tampered = emulator.ComponentInteraction(answer, followUp);
        tampered["data"]!["custom_id"] = "fu:c|Nobody|Nothing|";
        await c.DispatchInteractionAsync(tampered);
        await Eventually.TrueAsync(() => emulator.ResponsesTo((string)tampered["id"]!).Count == 1, "the quiet acknowledgement");
        Assert.Equal(6, emulator.ResponsesTo((string)tampered["id"]!).Single().Type);
        Assert.Equal(2, (await store.RecentTurnsAsync(conversation)).Count);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_slow_answer_shows_typing_until_it_is_sent()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, configure: AdapterHarness.UseGatedAdvisor);
        adapter.Gate.Hold(Question);
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-typing");

        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("8821", ChannelId, GuildId, UserId, Question, BotId));
        await Eventually.TrueAsync(() => emulator.TypingIn(ChannelId).Count >= 1, "typing while the answer is worked on");
        Assert.Empty(emulator.MessagesIn(ChannelId));

        adapter.Gate.Release(Question);
        await Eventually.TrueAsync(() => emulator.MessagesIn(ChannelId).Count == 1, "the answer");
        var typed = emulator.TypingIn(ChannelId).Count;
        await Task.Delay(300);
        Assert.Equal(typed, emulator.TypingIn(ChannelId).Count); // stopped with the answer
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_streamed_answer_is_edited_in_at_a_paced_rate_and_ends_as_the_non_streamed_message()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.EnforceEditRateLimit = true;
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:StreamAnswers"] = "true" }, configure: UseScriptedModel);
        var model = adapter.Services.GetRequiredService<ScriptedStreamingAdvisor>();
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-stream");

        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("8831", ChannelId, GuildId, UserId, Question, BotId));
        var entry = await LoggedAsync(store, e => e.Question == Question, "the streamed turn kept");
        var message = emulator.MessagesIn(ChannelId).Single();
        var id = (string)message["id"]!;

        var edits = emulator.EditsOf(id);
        Assert.True(edits.Count >= 2, $"partial edits and the final one ({edits.Count})");
        for (var i = 1; i < edits.Count; i++)
        {
            Assert.True(edits[i].At - edits[i - 1].At >= TimeSpan.FromMilliseconds(1100), $"edit {i} came {(edits[i].At - edits[i - 1].At).TotalMilliseconds} ms after the one before");
        }

        Assert.DoesNotContain(emulator.Requests, r => r.Method == "PATCH" && r.Path.Contains(id, StringComparison.Ordinal) && r.Body is null);

        // The final message is what the non-streamed answer sends for this turn.
        var expected = AnswerComponents.Answer(new Core.Turns.TurnReply(entry.Id, Question, model.LastFinal!)
        {
            FollowUps = FollowUps.For(model.LastFinal!, adapter.Advisor.Knowledge),
        });
        var final = emulator.Message(id)!;
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(expected[0].Embeds, DiscordJson.Options), final["embeds"]), final["embeds"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(expected[^1].Components, DiscordJson.Options), final["components"]), final["components"]!.ToJsonString());
        Assert.Equal("8831", (string?)final["message_reference"]?["message_id"]);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task Ask_streams_into_its_deferred_response_and_ends_as_the_non_streamed_answer()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        emulator.EnforceEditRateLimit = true;
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:StreamAnswers"] = "true" }, configure: UseScriptedModel);
        var model = adapter.Services.GetRequiredService<ScriptedStreamingAdvisor>();
        var store = adapter.Services.GetRequiredService<IConversationStore>();
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-ask-stream");

        await c.DispatchInteractionAsync(InteractionHost.Ask(Question, "880000000000000861", UserId, ChannelId));
        var entry = await LoggedAsync(store, e => e.Question == Question, "the streamed /ask kept");
        var original = emulator.Originals["tok-880000000000000861"];
        var edits = emulator.EditsOf((string)original["id"]!);
        Assert.True(edits.Count >= 2, $"partial edits and the final one ({edits.Count})");
        Assert.All(edits, e => Assert.Equal("@original", e.Route));
        for (var i = 1; i < edits.Count; i++)
        {
            Assert.True(edits[i].At - edits[i - 1].At >= TimeSpan.FromMilliseconds(1100), $"edit {i} came {(edits[i].At - edits[i - 1].At).TotalMilliseconds} ms after the one before");
        }

        var expected = AnswerComponents.Answer(new Core.Turns.TurnReply(entry.Id, Question, model.LastFinal!)
        {
            FollowUps = FollowUps.For(model.LastFinal!, adapter.Advisor.Knowledge),
        });
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(expected[0].Embeds, DiscordJson.Options), original["embeds"]), original["embeds"]!.ToJsonString());
        // /ask answers privately by default (Advisor:Discord:EphemeralAnswers), so the answer carries the Share button too.
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(AnswerComponents.WithShare(expected)[^1].Components, DiscordJson.Options), original["components"]), original["components"]!.ToJsonString());
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task A_stream_that_fails_midway_leaves_only_the_apology()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:StreamAnswers"] = "true" }, configure: UseScriptedModel);
        adapter.Services.GetRequiredService<ScriptedStreamingAdvisor>().FailAfter = 3;
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-stream-fails");

        await c.DispatchNextAsync("MESSAGE_CREATE", DiscordEmulator.MessageCreate("8841", ChannelId, GuildId, UserId, Question, BotId));
        await Eventually.TrueAsync(() => !emulator.Deleted.IsEmpty && emulator.MessagesIn(ChannelId).Count == 1, "the partial answer gone, the apology there");
        var left = emulator.MessagesIn(ChannelId).Single();
        Assert.Equal(Core.Turns.TurnNotice.ApologyText, (string?)left["content"]);
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    [Fact]
    public async Task The_extractive_answer_is_posted_at_once_without_edits_even_with_streaming_on()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        await using var adapter = new AdapterHarness(emulator, new() { ["Advisor:Discord:StreamAnswers"] = "true" });
        adapter.StartGateway();
        var c = await ReadyAsync(emulator, "session-extractive");

        var answer = await AskAsync(emulator, c, "8851");
        await Task.Delay(300);
        Assert.Empty(emulator.EditsOf((string)answer["id"]!));
        Assert.NotEmpty(CustomIds(answer));
        Assert.Single(emulator.MessagesIn(ChannelId));
        EmulatorAssert.NoViolations(emulator.Violations);
    }

    private static void UseScriptedModel(IServiceCollection services)
    {
        services.AddSingleton<AdvisorService>();
        services.AddSingleton(sp => new ScriptedStreamingAdvisor(sp.GetRequiredService<AdvisorService>()));
        services.Replace(ServiceDescriptor.Singleton<IAdvisor>(sp => sp.GetRequiredService<ScriptedStreamingAdvisor>()));
    }
}
