using System.Text.Json.Nodes;
using Advisor.Testing;
using Advisor.Testing.Slack;

namespace Advisor.Slack.Tests;

/// <summary>
/// Nothing lost, nothing doubled (issue 10, items 10 and 11): every answer carries its reply id in message metadata;
/// after a post whose outcome is unknown the conversation is read back and the answer is sent again only if it is
/// not there; an event Slack delivers again after a restart is not answered twice.
/// </summary>
public sealed class SlackDeliveryTests
{
    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync(SlackEmulator? slack = null)
    {
        slack ??= await SlackEmulator.StartAsync();
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    private static IReadOnlyList<StoredMessage> Thread(SlackEmulator slack, string ts) => slack.Messages.Where(m => m.ThreadTs == ts).ToList();

    [Fact]
    public async Task A_5xx_on_an_answer_that_slack_stored_leaves_exactly_one_answer()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        slack.FailNext("chat.postMessage", 1, 500, afterStoring: true);
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700300000.000100", "EvStored"));
        await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Method == "conversations.replies"), "the read-back");

        // The next question in the channel is answered after the first one's delivery was settled (one at a time per channel).
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700300001.000100", "EvAfterStored"));
        await Eventually.TrueAsync(() => Thread(slack, "1700300001.000100").Count == 1, "the next answer");

        var answer = Assert.Single(Thread(slack, "1700300000.000100"));
        Assert.Equal("1700300000.000100/1", answer.ReplyId);
        Assert.Equal([500], slack.Calls.Where(c => c.Method == "chat.postMessage" && (string?)c.Body["thread_ts"] == "1700300000.000100").Select(c => c.Status));
    }

    [Fact]
    public async Task A_5xx_on_an_answer_that_slack_did_not_store_leaves_exactly_one_answer_after_the_retry()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        slack.FailNext("chat.postMessage", 1, 502);
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700300100.000100", "EvLost"));
        await Eventually.TrueAsync(() => Thread(slack, "1700300100.000100").Count == 1, "the answer, sent again");

        Assert.Equal([502, 200], slack.Calls.Where(c => c.Method == "chat.postMessage" && (string?)c.Body["thread_ts"] == "1700300100.000100").Select(c => c.Status));
        var probe = Assert.Single(slack.Calls, c => c.Method == "conversations.replies");
        Assert.Equal("true", (string?)probe.Body["include_all_metadata"]);
        Assert.Equal("1700300100.000100/1", Thread(slack, "1700300100.000100")[0].ReplyId);
    }

    [Fact]
    public async Task An_event_slack_delivers_again_after_a_restart_is_not_answered_twice()
    {
        var slack = await SlackEmulator.StartAsync();
        await using var _ = slack;
        var mention = SlackEmulator.Mention("What skills does an AI Architect need?", "1700300200.000100", "EvAcrossRestart");

        var (_, first) = await StartAsync(slack);
        await slack.SendEventAsync(mention);
        await Eventually.TrueAsync(() => Thread(slack, "1700300200.000100").Count == 1, "the answer from the first process");
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => slack.Lifecycle.Contains("close 1"), "the first process's connection closed");

        // The next process gets the same event again (as Slack does when the first delivery's ack was late): it looks
        // for its reply in the thread, finds it, and does not answer again.
        var (_, second) = await StartAsync(slack);
        await using var __ = second;
        await slack.SendFrameAsync(new JsonObject
        {
            ["envelope_id"] = "env-again",
            ["type"] = "events_api",
            ["accepts_response_payload"] = false,
            ["retry_attempt"] = 1,
            ["retry_reason"] = "timeout",
            ["payload"] = mention,
        });
        await Eventually.TrueAsync(() => slack.Acked("env-again") && slack.Calls.Any(c => c.Method == "conversations.replies"), "the look-up");
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700300201.000100", "EvSentinel"));
        await Eventually.TrueAsync(() => Thread(slack, "1700300201.000100").Count == 1, "the sentinel answer");

        Assert.Single(Thread(slack, "1700300200.000100"));
    }
}
