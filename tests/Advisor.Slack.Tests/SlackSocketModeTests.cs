using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Slack.Tests;

public sealed class SlackSocketModeTests
{
    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync()
    {
        var slack = await SlackEmulator.StartAsync();
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    private static IReadOnlyList<ApiCall> PostsIn(SlackEmulator slack, string threadTs) =>
        slack.Posts.Where(p => (string?)p.Body["thread_ts"] == threadTs).ToList();

    [Fact]
    public async Task A_mention_is_answered_in_its_thread_with_citations_and_a_follow_up_without_mention_too()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1610241741.000200", "Ev1"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1610241741.000200").Count == 1, "the answer in the thread");
        await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Method == "reactions.remove"), "the thinking reaction removed");

        var post = PostsIn(slack, "1610241741.000200")[0].Body;
        Assert.Equal("C111", (string?)post["channel"]);
        Assert.False((bool)post["unfurl_links"]!);
        Assert.False((bool)post["unfurl_media"]!);
        Assert.Equal("Bearer xoxb-test-token", PostsIn(slack, "1610241741.000200")[0].Authorization);
        var blocks = post["blocks"]!.AsArray();
        var section = (string)blocks[0]!["text"]!["text"]!;
        Assert.Contains("AI Architect", section, StringComparison.Ordinal);
        Assert.Contains("[1]", section, StringComparison.Ordinal);
        var context = blocks.Single(b => (string?)b!["type"] == "context")!;
        var citation = (string)context["elements"]![0]!["text"]!;
        Assert.StartsWith("[1] ", citation, StringComparison.Ordinal);
        Assert.Contains(" › ", citation, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)post["text"]));

        var reactions = slack.Calls.Where(c => c.Method.StartsWith("reactions.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["reactions.add", "reactions.remove"], reactions.Select(r => r.Method));
        Assert.All(reactions, r => Assert.Equal("1610241741.000200", (string?)r.Body["timestamp"]));

        // A follow-up in the same thread, no mention: answered in the thread, with the earlier turn as context.
        await slack.SendEventAsync(SlackEmulator.Message("And what education?", "1610241800.000300", "Ev2", threadTs: "1610241741.000200"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1610241741.000200").Count == 2, "the follow-up answer");
        var followUp = (string)PostsIn(slack, "1610241741.000200")[1].Body["blocks"]![0]!["text"]!["text"]!;
        Assert.Contains("AI Architect", followUp, StringComparison.Ordinal);

        // A message in another thread the bot is not part of, without a mention, is left alone.
        await slack.SendEventAsync(SlackEmulator.Message("Unrelated chatter", "1610241900.000400", "Ev3", threadTs: "1610241850.000100"));
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1610242000.000500", "Ev4"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1610242000.000500").Count == 1, "the sentinel answer");
        Assert.Empty(PostsIn(slack, "1610241850.000100"));
    }

    [Fact]
    public async Task A_late_ack_makes_slack_retry_and_the_event_is_answered_once()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        // With a zero deadline every ack counts as late: the emulator redelivers with retry_attempt 1.
        await slack.SendEventAsync(SlackEmulator.Mention("What does an ML Research Engineer do?", "1700000000.000100", "EvLate"), ackDeadline: TimeSpan.Zero, maxRetries: 1);
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000000.000100").Count == 1, "the answer");

        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Scientist need?", "1700000001.000100", "EvSentinel"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000001.000100").Count == 1, "the sentinel answer");
        Assert.Single(PostsIn(slack, "1700000000.000100"));
    }

    [Fact]
    public async Task The_app_mention_and_message_pair_for_one_mention_is_answered_once()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        var mention = SlackEmulator.Mention("What skills does an AI Architect need?", "1700000100.000100", "EvMention");
        var message = SlackEmulator.Message($"<@{SlackEmulator.BotUserId}> What skills does an AI Architect need?", "1700000100.000100", "EvMessage");
        await Task.WhenAll(slack.SendEventAsync(message), slack.SendEventAsync(mention));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000100.000100").Count == 1, "the answer");

        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000101.000100", "EvSentinel"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000101.000100").Count == 1, "the sentinel answer");
        Assert.Single(PostsIn(slack, "1700000100.000100"));
    }

    [Fact]
    public async Task The_bots_own_messages_other_bots_edits_deletions_and_joins_are_ignored()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        // The bot takes part in a thread…
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700000200.000100", "Ev1"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000200.000100").Count == 1, "the first answer");

        // …then its own reply, another bot, an edit and a deletion arrive in that thread.
        const string thread = "1700000200.000100";
        await slack.SendEventAsync(SlackEmulator.Message("my own answer", "1700000201.000100", "EvOwn", threadTs: thread, user: SlackEmulator.BotUserId));
        await slack.SendEventAsync(SlackEmulator.Message("I am the bot", "1700000202.000100", "EvOwnBot", threadTs: thread, user: null, subtype: "bot_message", botId: SlackEmulator.BotId));
        await slack.SendEventAsync(SlackEmulator.Message("another bot", "1700000203.000100", "EvOther", threadTs: thread, user: "U999", botId: "BOTHER"));
        await slack.SendEventAsync(SlackEmulator.Message("edited", "1700000204.000100", "EvEdit", threadTs: thread, subtype: "message_changed"));
        await slack.SendEventAsync(SlackEmulator.Message("", "1700000205.000100", "EvDelete", threadTs: thread, user: null, subtype: "message_deleted"));
        await slack.SendEventAsync(SlackEmulator.Message("<@U333> has joined the channel", "1700000206.000100", "EvJoin", threadTs: thread, user: "U333", subtype: "channel_join"));

        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000300.000100", "EvSentinel"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000300.000100").Count == 1, "the sentinel answer");
        Assert.Single(PostsIn(slack, thread));
        await Eventually.TrueAsync(() => slack.Calls.Count(c => c.Method == "reactions.add") == 2, "the sentinel's reaction (it is not awaited)");
        Assert.Equal(["1700000200.000100", "1700000300.000100"], slack.Calls.Where(c => c.Method == "reactions.add").Select(c => (string?)c.Body["timestamp"]).Order());
    }

    [Fact]
    public async Task A_refresh_opens_the_new_connection_before_closing_the_old_and_loses_no_event()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendFrameAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested", ["debug_info"] = new JsonObject { ["host"] = "wss-1" } }, connection: 1);

        // An event still delivered on the old connection right after the refresh request is acked and answered.
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700000400.000100", "EvOld"), connection: 1);
        await Eventually.TrueAsync(() => slack.Lifecycle.Contains("close 1"), "the old connection closed");
        var order = slack.Lifecycle.ToList();
        Assert.True(order.IndexOf("open 2") >= 0 && order.IndexOf("open 2") < order.IndexOf("close 1"), string.Join(", ", order));
        Assert.Equal(2, slack.Calls.Count(c => c.Method == "apps.connections.open"));

        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000401.000100", "EvNew"), connection: 2);
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000400.000100").Count == 1 && PostsIn(slack, "1700000401.000100").Count == 1, "both answers");
        Assert.Equal(1, slack.OpenConnections);
    }

    [Fact]
    public async Task Link_disabled_stops_the_adapter_without_reconnecting()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        var status = app.Services.GetRequiredService<SlackPlatformStatus>();
        await Eventually.TrueAsync(() => status.Connected, "the connected state");

        await slack.SendFrameAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "link_disabled", ["debug_info"] = new JsonObject { ["host"] = "wss-1" } });
        await Eventually.TrueAsync(() => status.State.Contains("link_disabled", StringComparison.Ordinal), "the stopped state");
        await Eventually.TrueAsync(() => slack.Lifecycle.Contains("close 1"), "the connection closed");
        Assert.False(status.Connected);
        Assert.Equal(1, slack.Calls.Count(c => c.Method == "apps.connections.open"));
    }

    [Fact]
    public async Task Slash_commands_over_socket_mode_are_acked_at_once_with_usage_errors_in_the_ack_and_results_via_response_url()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        slack.Users["UMEMBER"] = (false, false);

        var usage = await slack.SendCommandAsync("/compare", "only one role", "UMEMBER", slack.NewResponseUrl());
        Assert.NotNull(usage);
        Assert.Equal("ephemeral", (string?)usage["payload"]!["response_type"]);
        Assert.Contains("/compare", (string?)usage["payload"]!["text"], StringComparison.Ordinal);

        var reloadUrl = slack.NewResponseUrl();
        var reloadAck = await slack.SendCommandAsync("/reload", "", "UMEMBER", reloadUrl);
        Assert.NotNull(reloadAck);
        Assert.Null(reloadAck["payload"]);
        await Eventually.TrueAsync(() => slack.Responses(reloadUrl).Count == 1, "the refusal");
        Assert.Equal("ephemeral", (string?)slack.Responses(reloadUrl)[0]["response_type"]);
        Assert.Equal(SlackCommandHandler.ReloadRefusal, (string?)slack.Responses(reloadUrl)[0]["text"]);
    }

    [Fact]
    public async Task A_user_who_floods_gets_one_slow_down_notice_per_window_and_every_refused_command_its_refusal()
    {
        var slack = await SlackEmulator.StartAsync();
        await using var _ = slack;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false,
            s => s["Advisor:Conversations:QuestionsPerUserPerMinute"] = "2");
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");

        // Eight questions in a row from one person: two answers and one notice, not six.
        var asked = Enumerable.Range(0, 8).Select(i => $"170000090{i}.000100").ToList();
        foreach (var (ts, i) in asked.Select((ts, i) => (ts, i)))
        {
            await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", ts, $"EvFlood{i}", user: "UFLOOD"));
        }

        // Someone else's question in the same channel is answered after all eight were handled (one at a time per channel).
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000999.000100", "EvOther", user: "UOTHER"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000999.000100").Count == 1, "the other person's answer");

        var replies = asked.SelectMany(ts => PostsIn(slack, ts)).Select(p => (string?)p.Body["text"]).ToList();
        Assert.Equal(3, replies.Count);
        Assert.Single(replies, r => r!.Contains("2 questions a minute", StringComparison.Ordinal));
        Assert.Equal(2, asked.Take(2).Count(ts => PostsIn(slack, ts).Count == 1));

        // A slash command over the limit must be answered, so each one gets its refusal.
        for (var i = 0; i < 2; i++)
        {
            var ack = await slack.SendCommandAsync("/ask", "What does an AI Architect do?", "UFLOOD", slack.NewResponseUrl());
            Assert.Contains("2 questions a minute", (string?)ack?["payload"]?["text"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_user_over_the_rate_limit_gets_a_polite_reply_instead_of_an_answer()
    {
        var slack = await SlackEmulator.StartAsync();
        await using var _ = slack;
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false,
            s => s["Advisor:Conversations:QuestionsPerUserPerMinute"] = "1");
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");

        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700000800.000100", "EvRate1"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000800.000100").Count == 1, "the first answer");
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700000801.000100", "EvRate2"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700000801.000100").Count == 1, "the refusal");

        var refusal = (string?)PostsIn(slack, "1700000801.000100")[0].Body["text"];
        Assert.Contains("1 questions a minute", refusal, StringComparison.Ordinal);

        // The refusal shows no progress. (Whether the answered question got its reaction depends on whether the answer was
        // ready before the reaction was due — with no delay that is a race — so it is not counted here.)
        Assert.DoesNotContain(slack.Calls, c => c.Method == "reactions.add" && (string?)c.Body["timestamp"] == "1700000801.000100");
    }
}
