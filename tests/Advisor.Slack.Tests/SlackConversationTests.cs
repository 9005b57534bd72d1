using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Conversations;
using Advisor.Core.Turns;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Advisor.Slack.Tests;

/// <summary>
/// Slack on the turn pipeline: a thread's follow-up is recognised and answered from the conversation store (not from
/// anything the process remembers), <c>/ask</c> has a conversation of its own, and a reply can be updated.
/// </summary>
public sealed class SlackConversationTests
{
    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync()
    {
        var slack = await SlackEmulator.StartAsync();
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false, s => s["Advisor:Slack:AskEphemeral"] = "false"); // these look at the answers in the channel
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    private static IReadOnlyList<ApiCall> PostsIn(SlackEmulator slack, string threadTs) =>
        slack.Posts.Where(p => (string?)p.Body["thread_ts"] == threadTs).ToList();

    /// <summary>The citation labels of a message (its context blocks' "[n] Article › Section › Role").</summary>
    private static IReadOnlyList<string> Citations(JsonObject message) =>
        ((message["blocks"] as JsonArray) ?? [])
            .Where(b => (string?)b?["type"] == "context")
            .SelectMany(b => (b!["elements"] as JsonArray) ?? [])
            .Select(e => (string?)e?["text"] ?? "")
            .Where(t => t.StartsWith('[') && t.Contains(" › ", StringComparison.Ordinal))
            .ToList();

    [Fact]
    public async Task A_follow_up_in_a_thread_answered_by_an_earlier_process_is_recognised_from_the_store_and_keeps_its_subject()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700400000.000100";
        var key = $"slack:{SlackEmulator.TeamId}:C111:{thread}";
        var store = app.Services.GetRequiredService<IConversationStore>();

        // The thread's first turn as another process kept it: this process never saw the thread.
        await store.AppendTurnAsync(new TurnRecord(key, "slack", null, "What skills does an AI Architect need?", new TurnAnswer
        {
            Kind = AnswerKind.Answer,
            Roles = ["AI Architect"],
            Aspect = "skills",
        }, TimeSpan.Zero));

        await slack.SendEventAsync(SlackEmulator.Message("and their education?", "1700400060.000100", "EvFollow", threadTs: thread));
        await Eventually.TrueAsync(() => PostsIn(slack, thread).Count == 1, "the follow-up's answer in the thread");

        var citations = Citations(PostsIn(slack, thread)[0].Body);
        Assert.NotEmpty(citations);
        Assert.All(citations, c => Assert.Contains("AI Architect", c, StringComparison.Ordinal));

        // The turn is kept once Slack has answered the post, a moment after the emulator shows it: wait for it.
        await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync(key)).Count == 2, "the follow-up's turn kept");
        var turns = await store.RecentTurnsAsync(key);
        Assert.Equal(["What skills does an AI Architect need?", "and their education?"], turns.Select(t => t.Question));
        Assert.Equal("education", turns[1].Answer.Aspect);
        var entry = (await store.ReadLogAsync(new QuestionLogQuery())).First();
        Assert.Equal(app.Services.GetRequiredService<UserHasher>().Hash("slack", "U222"), entry.UserHash);
    }

    [Fact]
    public async Task Ask_continues_the_askers_own_conversation_in_the_channel_and_nobody_elses()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        var store = app.Services.GetRequiredService<IConversationStore>();

        async Task<JsonObject> AskAsync(string text, string user)
        {
            var url = slack.NewResponseUrl();
            var ack = await slack.SendCommandAsync("/ask", text, user, url);
            Assert.NotNull(ack);
            Assert.Null(ack["payload"]); // taken: an empty acknowledgement
            await Eventually.TrueAsync(() => slack.Responses(url).Count == 1, "the answer to " + text);
            return slack.Responses(url)[0];
        }

        await AskAsync("What does an AI Architect do?", "UASK1");
        await AskAsync("What does an ML Research Engineer do?", "UASK2");
        var followUp = await AskAsync("and their education?", "UASK1");

        Assert.Equal("in_channel", (string?)followUp["response_type"]);
        var citations = Citations(followUp);
        Assert.NotEmpty(citations);
        Assert.All(citations, c => Assert.Contains("AI Architect", c, StringComparison.Ordinal));
        var hasher = app.Services.GetRequiredService<UserHasher>();
        await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync($"slack:{SlackEmulator.TeamId}:C111:ask:{hasher.Hash("slack", "UASK1")}")).Count == 2, "the follow-up's turn kept");
        Assert.Single(await store.RecentTurnsAsync($"slack:{SlackEmulator.TeamId}:C111:ask:{hasher.Hash("slack", "UASK2")}"));
    }

    [Fact]
    public void Ask_in_a_direct_message_shares_the_direct_message_conversation()
    {
        var envelope = new SlackEventEnvelope("Ev1", "T1", 0, null, default);
        var dm = new MessageEvent("D123", "im", "U1", null, null, "hi", "1.1", null, "T1");
        var channelMessage = new MessageEvent("C123", "channel", "U1", null, null, "hi", "1.1", null, "T1");

        var inDm = new SlashCommand("/ask", "q", "U1", "D123", "T1", null);
        var inChannel = new SlashCommand("/ask", "q", "U1", "C123", "T1", null);

        Assert.Equal(SlackKeys.Conversation(dm, envelope), SlackKeys.CommandConversation(inDm));
        Assert.False(SlackKeys.CommandConversationIsPerUser(inDm));
        Assert.Equal("slack:T1:C123:ask", SlackKeys.CommandConversation(inChannel)); // the pipeline adds the asker's hash
        Assert.True(SlackKeys.CommandConversationIsPerUser(inChannel));
        Assert.NotEqual(SlackKeys.Conversation(channelMessage, envelope), SlackKeys.CommandConversation(inChannel));
    }

    [Fact]
    public async Task A_reply_in_a_thread_can_be_updated_in_place_with_chat_update()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        var advisor = app.Services.GetRequiredService<IAdvisor>();
        var reply = new SlackThreadReply(app.Services.GetRequiredService<SlackApiClient>(), "C111", "1700500000.000100", "1700500000.000100",
            SlackEmulator.BotId, "thinking_face", 0, NullLogger.Instance);
        var first = await advisor.AskAsync(AdvisorQuestion.Simple("What does an AI Architect do?"));
        var second = await advisor.AskAsync(AdvisorQuestion.Simple("What tools does an AI Scientist use?"));

        var sent = await reply.SendAnswerAsync(new TurnReply(TurnId.New(DateTimeOffset.UtcNow), "q", first), CancellationToken.None);
        Assert.True(sent.Delivered);
        Assert.False(string.IsNullOrEmpty(sent.MessageId));
        var updated = await reply.UpdateAsync(sent.MessageId!, new TurnReply(TurnId.New(DateTimeOffset.UtcNow), "q", second), CancellationToken.None);

        Assert.True(updated.Delivered);
        Assert.True(reply.Capabilities.HasFlag(ReplyCapabilities.Update));
        var update = Assert.Single(slack.Calls, c => c.Method == "chat.update");
        Assert.Equal(sent.MessageId, (string?)update.Body["ts"]);
        Assert.Equal("C111", (string?)update.Body["channel"]);
        Assert.Contains(Citations(update.Body), c => c.Contains("AI Scientist", StringComparison.Ordinal));
    }
}
