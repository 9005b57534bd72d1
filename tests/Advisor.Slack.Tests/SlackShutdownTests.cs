using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Advisor.Slack.Tests;

/// <summary>
/// Shutdown (issue 10, item 1): work accepted before the stop — events, slash commands, response_url posts waiting
/// between retries — is answered before the process lets go; what arrives after the stop began is left for Slack to
/// deliver again (HTTP 503, an unacknowledged envelope) or, for a command, told "restarting".
/// </summary>
public sealed class SlackShutdownTests
{
    private const string Form = "application/x-www-form-urlencoded";

    private static string Ts(int n) => string.Create(CultureInfo.InvariantCulture, $"1700100{n:D3}.000100");

    private static string Command(string command, string text, string user, string responseUrl, string channel = "C111") =>
        $"team_id={SlackEmulator.TeamId}&channel_id={channel}&user_id={user}&command={Uri.EscapeDataString(command)}&text={Uri.EscapeDataString(text)}"
        + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id=1.2.3&api_app_id=A111";

    [Fact]
    public async Task Fifty_events_accepted_before_the_stop_are_all_answered_though_every_post_is_slow()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        slack.PostLatency = TimeSpan.FromMilliseconds(200);
        var deliveredWhenDrained = -1;
        app.Services.GetRequiredService<GateDrain>().Drained = () => deliveredWhenDrained = slack.Messages.Count;

        // Fifty mentions over ten channels, from fifty people (the per-user limit is not what is tested here).
        var events = Enumerable.Range(0, 50).Select(i => app.PostSignedAsync("slack/events",
            SlackEmulator.Mention("What skills does an AI Architect need?", Ts(i), $"EvStop{i}", channel: $"C2{i % 10:D2}", user: $"U3{i:D2}").ToJsonString(),
            "application/json"));
        foreach (var response in await Task.WhenAll(events))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        // SIGTERM as soon as every acknowledgement is back. The shutdown's drain (the host's first step) is what waits
        // for every reply: by the time it ends, and before any service stops, all of them have been delivered.
        await app.StopAsync();

        Assert.Equal(50, deliveredWhenDrained);
        Assert.Equal(Enumerable.Range(0, 50).Select(Ts).Order(), slack.Messages.Select(m => m.ThreadTs).Order());
        Assert.Equal(0, app.Services.GetRequiredService<QuestionGate>().InFlight);
    }

    [Fact]
    public async Task Commands_accepted_before_the_stop_are_answered_including_a_response_url_post_waiting_between_attempts()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        slack.PostLatency = TimeSpan.FromMilliseconds(200);
        var urls = Enumerable.Range(0, 5).Select(_ => slack.NewResponseUrl()).ToList();
        var respondedWhenDrained = -1;
        app.Services.GetRequiredService<GateDrain>().Drained = () => respondedWhenDrained = urls.Sum(url => slack.Responses(url).Count);

        // The first response_url post is rate limited: its answer waits Retry-After before it is sent again.
        slack.RateLimitNextResponses(1);
        var commands = urls.Select((url, i) => app.PostSignedAsync("slack/commands",
            Command("/ask", "What tools does an AI Scientist use?", $"U4{i:D2}", url, channel: $"C3{i:D2}"), Form));
        foreach (var response in await Task.WhenAll(commands))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        await app.StopAsync();

        Assert.Equal(5, respondedWhenDrained);
        Assert.All(urls, url => Assert.Single(slack.Responses(url)));
        Assert.Contains("429", slack.ResponseErrors);
    }

    [Fact]
    public async Task Once_the_stop_began_a_new_event_gets_503_with_Retry_After_a_command_hears_restarting_and_accepted_work_still_finishes()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true);
        var gate = app.Services.GetRequiredService<QuestionGate>();
        using var refused = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AdvisorMetrics.MeterName,
            "advisor.questions.refused");

        // An accepted event whose answer is held at Slack's end keeps the stop waiting.
        var hold = slack.HoldPosts(b => (string?)b["thread_ts"] == Ts(1));
        var accepted = SlackEmulator.Mention("What skills does an AI Architect need?", Ts(1), "EvAccepted").ToJsonString();
        (await app.PostSignedAsync("slack/events", accepted, "application/json")).Dispose();
        await Eventually.TrueAsync(() => slack.HeldPosts == 1, "the accepted answer held at Slack");

        var stopping = app.StopAsync();
        await Eventually.TrueAsync(() => !gate.Accepting, "the gate to close");

        // A new event is not taken on: 503 with Retry-After, and its retries too, so Slack delivers it to the next process.
        var late = SlackEmulator.Mention("What tools does an AI Scientist use?", Ts(2), "EvLate").ToJsonString();
        using (var response = await app.PostSignedAsync("slack/events", late, "application/json"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(SlackEndpoints.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        }

        using (var retry = await app.PostSignedAsync("slack/events", late, "application/json", retryNum: 1))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
        }

        // A retry of the event already taken on is acknowledged: it is being answered here, and must not be answered twice.
        using (var repeat = await app.PostSignedAsync("slack/events", accepted, "application/json", retryNum: 1))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        }

        // Slack does not send a slash command again: it is told, in the acknowledgement.
        var url = slack.NewResponseUrl();
        using (var ack = await app.PostSignedAsync("slack/commands", Command("/ask", "What does an AI Architect do?", "U500", url), Form))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var body = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!;
            Assert.Equal("ephemeral", (string?)body["response_type"]);
            Assert.Equal(QuestionGate.RestartingText, (string?)body["text"]);
        }

        Assert.False(stopping.IsCompleted); // the held answer is still owed
        hold.Dispose();
        await stopping;

        Assert.Equal([Ts(1)], slack.Messages.Select(m => m.ThreadTs));
        Assert.Empty(slack.Responses(url));
        Assert.Equal(3, refused.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "shutting_down"));
    }

    [Fact]
    public async Task Once_the_stop_began_a_socket_mode_event_is_left_unacknowledged_and_a_command_hears_restarting()
    {
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        var gate = app.Services.GetRequiredService<QuestionGate>();

        var hold = slack.HoldPosts(b => (string?)b["thread_ts"] == Ts(10));
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", Ts(10), "EvSocketAccepted"));
        await Eventually.TrueAsync(() => slack.HeldPosts == 1, "the accepted answer held at Slack");

        var stopping = app.StopAsync();
        await Eventually.TrueAsync(() => !gate.Accepting, "the gate to close");

        // The envelope is not acknowledged; the frame after it (an interaction, which needs nothing) is, so the
        // first one was read and deliberately left for Slack to deliver again.
        await slack.SendFrameAsync(new JsonObject
        {
            ["envelope_id"] = "env-late",
            ["type"] = "events_api",
            ["accepts_response_payload"] = false,
            ["retry_attempt"] = 0,
            ["retry_reason"] = "",
            ["payload"] = SlackEmulator.Mention("What tools does an AI Scientist use?", Ts(11), "EvSocketLate"),
        });
        await slack.SendFrameAsync(new JsonObject
        {
            ["envelope_id"] = "env-sentinel",
            ["type"] = "interactive",
            ["accepts_response_payload"] = false,
            ["payload"] = new JsonObject { ["type"] = "block_actions" },
        });
        await Eventually.TrueAsync(() => slack.Acked("env-sentinel"), "the frame after it acknowledged");
        Assert.False(slack.Acked("env-late"));

        var ack = await slack.SendCommandAsync("/ask", "What does an AI Architect do?", "U501", slack.NewResponseUrl());
        Assert.Equal(QuestionGate.RestartingText, (string?)ack?["payload"]?["text"]);

        Assert.False(stopping.IsCompleted);
        hold.Dispose();
        await stopping;
        Assert.Equal([Ts(10)], slack.Messages.Select(m => m.ThreadTs));
    }

    [Fact]
    public async Task With_replicas_sharing_the_claims_an_ask_after_the_stop_began_is_handed_to_them_not_refused()
    {
        // Claims shared with other replicas (as RedisInFlightClaims are): the stopping replica records the /ask with its
        // response URL and gives its lease back at once, for another replica's sweep to answer through that URL.
        var claims = new RecordingSharedClaims();
        await using var slack = await SlackEmulator.StartAsync();
        await using var app = await AdvisorSlackApp.StartAsync(slack, socketMode: false, http: true,
            customize: b => b.Services.AddSingleton<Core.Coordination.IInFlightClaims>(claims));
        var gate = app.Services.GetRequiredService<QuestionGate>();
        gate.Close();

        var url = slack.NewResponseUrl();
        using (var ack = await app.PostSignedAsync("slack/commands", Command("/ask", "What does an AI Architect do?", "U502", url), Form))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            Assert.Equal("", await ack.Content.ReadAsStringAsync()); // acknowledged as any /ask is, not "restarting"
        }

        await Eventually.TrueAsync(() => !claims.Released.IsEmpty, "the handed-over claim's lease to be given back");
        var record = Assert.Single(claims.Begun);
        Assert.Equal("What does an AI Architect do?", record.Message.Text);
        Assert.Equal("command", record.Target.Kind);
        Assert.Contains(url, record.Target.Values.Values);
        Assert.Equal(record.Id, Assert.Single(claims.Released).Id);
        Assert.Empty(claims.Completed); // not deleted: it is the other replicas' to answer
        Assert.Empty(slack.Responses(url)); // nothing posted here

        // What another replica's sweep does with it: the platform's factory rebuilds the reply to that response URL.
        var factory = app.Services.GetServices<Core.Coordination.IReplyChannelFactory>().Single(f => f.Platform == SlackPlatform.PlatformName);
        Core.Turns.IReplyChannel? rebuilt = null;
        Assert.True(await factory.ResumeAsync(record.Target, (channel, _) => { rebuilt = channel; return Task.CompletedTask; }, CancellationToken.None));
        Assert.IsType<SlackCommandReply>(rebuilt); // the reply every /ask answers through, to the URL of the target

        // Another command is still told "restarting": only a question can be answered elsewhere.
        using var roles = await app.PostSignedAsync("slack/commands", Command("/roles", "", "U502", slack.NewResponseUrl()), Form);
        Assert.Equal(QuestionGate.RestartingText, (string?)JsonNode.Parse(await roles.Content.ReadAsStringAsync())!["text"]);
    }

    /// <summary>In-flight claims shared with other replicas that record what this replica does with them.</summary>
    private sealed class RecordingSharedClaims : Core.Coordination.IInFlightClaims
    {
        public System.Collections.Concurrent.ConcurrentQueue<Core.Coordination.InFlightRecord> Begun { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<Core.Coordination.InFlightRecord> Released { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<Core.Coordination.InFlightRecord> Completed { get; } = new();

        public bool Shared => true;

        public bool Reachable => true;

        public Task<Core.Coordination.ClaimBegin> TryBeginAsync(Core.Coordination.InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default)
        {
            Begun.Enqueue(record);
            return Task.FromResult(Core.Coordination.ClaimBegin.Begun);
        }

        public Task<bool?> RenewAsync(Core.Coordination.InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default) => Task.FromResult<bool?>(true);

        public Task CompleteAsync(Core.Coordination.InFlightRecord record, CancellationToken cancellationToken = default)
        {
            Completed.Enqueue(record);
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(Core.Coordination.InFlightRecord record, CancellationToken cancellationToken = default)
        {
            Released.Enqueue(record);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<string>> ExpiredAsync(int max, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task<Core.Coordination.InFlightRecord?> ReadAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult<Core.Coordination.InFlightRecord?>(null);

        public Task<Core.Coordination.InFlightRecord?> TryTakeOverAsync(Core.Coordination.InFlightRecord expired, string owner, string replica, TimeSpan lease, CancellationToken cancellationToken = default) =>
            Task.FromResult<Core.Coordination.InFlightRecord?>(null);

        public Task DropAsync(Core.Coordination.InFlightRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
