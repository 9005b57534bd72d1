using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Turns;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Advisor.Slack.Tests;

/// <summary>
/// The bounded, fair work queue (issue 10, item 3): channels take turns and a slow one holds one worker; a full queue
/// still acknowledges, tells the asker once per channel that the bot is busy, and holds no more than its capacity.
/// </summary>
public sealed class SlackQueueTests
{
    private static string Ts(int n) => string.Create(CultureInfo.InvariantCulture, $"1700200{n:D3}.000100");

    private static IReadOnlyList<StoredMessage> In(SlackEmulator slack, string channel) => slack.Messages.Where(m => m.Channel == channel).ToList();

    private static bool IsBusy(StoredMessage m) => m.Message["text"]?.ToString() == TurnNotice.BusyText;

    private static IReadOnlyList<string?> AnswersIn(SlackEmulator slack, string channel) =>
        In(slack, channel).Where(m => !IsBusy(m)).Select(m => m.ThreadTs).ToList();

    [Fact]
    public async Task A_slow_channel_does_not_hold_back_the_others()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false, s => s["Advisor:Slack:Workers"] = "2");
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");

        // Every post in CSLOW takes as long as the test wants.
        var hold = slack.HoldPosts(b => (string?)b["channel"] == "CSLOW");
        for (var i = 0; i < 3; i++)
        {
            await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", Ts(i), $"EvSlow{i}", channel: "CSLOW", user: $"US{i}"));
        }

        for (var i = 0; i < 5; i++)
        {
            await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", Ts(10 + i), $"EvFast{i}", channel: $"CFAST{i}", user: $"UF{i}"));
        }

        // With two workers, the other channels are all answered while CSLOW's first answer is stuck; CSLOW's other
        // questions wait their turn behind it instead of taking the second worker.
        await Eventually.TrueAsync(() => Enumerable.Range(0, 5).All(i => In(slack, $"CFAST{i}").Count == 1), "the other channels' answers");
        Assert.Equal(1, slack.HeldPosts);
        Assert.Empty(In(slack, "CSLOW"));

        hold.Dispose();
        await Eventually.TrueAsync(() => In(slack, "CSLOW").Count == 3, "the slow channel's answers, in the end");
        Assert.Equal([Ts(0), Ts(1), Ts(2)], In(slack, "CSLOW").Select(m => m.ThreadTs));
    }

    [Fact]
    public async Task A_full_queue_does_not_take_questions_on_says_busy_once_per_channel_and_holds_no_more_than_its_capacity()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true, s =>
        {
            s["Advisor:Slack:Workers"] = "1";
            s["Advisor:Slack:QueueCapacity"] = "4";
            s["Advisor:Slack:QueueCapacityPerChannel"] = "2";
        });
        var queue = app.Services.GetRequiredKeyedService<PlatformWorkQueue>(SlackPlatform.PlatformName);
        using var refused = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AdvisorMetrics.MeterName,
            "advisor.questions.refused");

        // The first question's answer is held: the one worker stays busy.
        var hold = slack.HoldPosts(b => (string?)b["thread_ts"] == Ts(0));
        (await app.PostSignedAsync("slack/events", Event(0, "CFULL"), "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.HeldPosts == 1, "the first answer held");

        // A flood into the same channel: two fit behind the first and are acknowledged; the rest are not taken on
        // (503 with Retry-After: Slack delivers them again later), so everything acknowledged gets its answer.
        for (var i = 1; i < 20; i++)
        {
            using var response = await app.PostSignedAsync("slack/events", Event(i, "CFULL"), "application/json");
            Assert.Equal(i <= 2 ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
            if (i > 2)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal(3, queue.Count);

        // Another channel gets the queue's last place; after that the queue as a whole is full.
        using (var taken = await app.PostSignedAsync("slack/events", Event(20, "COTHER"), "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        }

        using (var full = await app.PostSignedAsync("slack/events", Event(21, "COTHER"), "application/json"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        }

        Assert.Equal(4, queue.Count);

        // One busy notice per channel, however many were refused; a command gets it in its acknowledgement.
        await Eventually.TrueAsync(() => slack.Messages.Count(IsBusy) == 2, "the busy notices");
        Assert.Equal(Ts(3), Assert.Single(In(slack, "CFULL"), IsBusy).ThreadTs);
        Assert.Equal(Ts(21), Assert.Single(In(slack, "COTHER"), IsBusy).ThreadTs);
        var command = "team_id=T111&channel_id=CFULL&user_id=U900&command=%2Fask&text=What%20does%20an%20AI%20Architect%20do%3F"
            + $"&response_url={Uri.EscapeDataString(slack.NewResponseUrl())}&trigger_id=1.2.3&api_app_id=A111";
        using (var ack = await app.PostSignedAsync("slack/commands", command, "application/x-www-form-urlencoded"))
        {
            Assert.Equal(TurnNotice.BusyText, (string?)JsonNode.Parse(await ack.Content.ReadAsStringAsync())!["text"]);
        }

        Assert.Equal(17 + 1 + 1, refused.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "busy"));

        // Released, the accepted questions are answered, in order per channel; the refused ones wait for Slack's redelivery.
        hold.Dispose();
        await Eventually.TrueAsync(() => slack.Messages.Count(m => !IsBusy(m)) == 4, "the four accepted answers");
        Assert.Equal([Ts(0), Ts(1), Ts(2)], AnswersIn(slack, "CFULL"));
        Assert.Equal([Ts(20)], AnswersIn(slack, "COTHER"));
        await Eventually.TrueAsync(() => queue.Count == 0, "the queue empty");
    }

    private static string Event(int n, string channel) =>
        SlackEmulator.Mention("What skills does an AI Architect need?", Ts(n), $"EvFull{n}", channel: channel, user: $"UQ{n:D2}").ToJsonString();
}
