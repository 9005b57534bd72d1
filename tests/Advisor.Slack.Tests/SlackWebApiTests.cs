using System.Collections.Concurrent;
using Advisor.Core;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Slack.Tests;

/// <summary>
/// The Web API client against the emulator, on a <see cref="FakeTimeProvider"/>: waits (Retry-After, backoff) pass
/// only when the test advances the clock, so nothing sleeps and every wait is measured on the fake clock.
/// </summary>
public sealed class SlackWebApiTests
{
    private static SlackApiClient Client(SlackEmulator slack, HttpClient http, TimeProvider time) =>
        new(http, http, Options.Create(new SlackOptions { BotToken = "xoxb-test", ApiBaseUrl = slack.ApiBase.ToString(), DeliveryWindowSeconds = 300 }),
            time, new AdvisorMetrics(), NullLogger<SlackApiClient>.Instance);

    private static SlackMessage Hello(string text = "hello") => SlackRenderer.Notice(text)[0];

    /// <summary>Advances the fake clock in small steps until the call completes (the client may still be in flight between steps).</summary>
    private static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> call)
    {
        var guard = DateTime.UtcNow.AddSeconds(20);
        while (!call.IsCompleted && DateTime.UtcNow < guard)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(call, Task.Delay(5));
        }

        return await call;
    }

    private static async Task RunAsync(FakeTimeProvider time, Task call)
    {
        var guard = DateTime.UtcNow.AddSeconds(20);
        while (!call.IsCompleted && DateTime.UtcNow < guard)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(call, Task.Delay(5));
        }

        await call;
    }

    [Fact]
    public async Task A_429_is_waited_out_for_the_time_Retry_After_asks_and_the_message_is_posted_once()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var handler = new RecordingHandler(time);
        using var http = new HttpClient(handler);
        var api = Client(slack, http, time);
        slack.RetryAfterSeconds = 2;
        slack.RateLimitNext("chat.postMessage", 1);

        var ts = await RunAsync(time, api.PostMessageAsync(Hello(), "C111", "1700000700.000100", null, CancellationToken.None));

        Assert.False(string.IsNullOrEmpty(ts));
        var calls = slack.Calls.Where(c => c.Method == "chat.postMessage").ToList();
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        var sent = handler.SentAt.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.True(sent[1] - sent[0] >= TimeSpan.FromSeconds(2), $"retried after {(sent[1] - sent[0]).TotalSeconds} s on the clock");
    }

    [Fact]
    public async Task A_429_on_one_method_does_not_hold_back_another()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.RetryAfterSeconds = 5;
        slack.RateLimitNext("chat.postMessage", 1);

        var posting = api.PostMessageAsync(Hello(), "C111", null, null, CancellationToken.None);
        await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Status == 429), "the 429");
        var me = await api.AuthTestAsync(CancellationToken.None);

        Assert.Equal(SlackEmulator.BotUserId, me.UserId);
        Assert.False(posting.IsCompleted); // the clock has not moved: chat.postMessage still waits
        await RunAsync(time, posting);
        Assert.Single(slack.Posts);
    }

    [Fact]
    public async Task Chat_update_and_reactions_send_the_bot_token_and_the_arguments()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http, new FakeTimeProvider());

        await api.UpdateMessageAsync(Hello("edited"), "C111", "1700000900.000100", CancellationToken.None);
        Assert.True(await api.AddReactionAsync("C111", "1700000900.000100", "thinking_face", CancellationToken.None));

        var update = slack.Calls.Single(c => c.Method == "chat.update");
        Assert.Equal("Bearer xoxb-test", update.Authorization);
        Assert.Equal("1700000900.000100", (string?)update.Body["ts"]);
        Assert.Equal("edited", (string?)update.Body["text"]);
        Assert.Equal("thinking_face", (string?)slack.Calls.Single(c => c.Method == "reactions.add").Body["name"]);
    }

    [Fact]
    public async Task Reactions_get_one_attempt_and_are_skipped_while_rate_limited()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.RetryAfterSeconds = 30;
        slack.RateLimitNext("reactions.add", 1);

        // The clock never moves here: a reaction that waited for Retry-After would never finish.
        Assert.False(await api.AddReactionAsync("C111", "1700001000.000100", "thinking_face", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await api.AddReactionAsync("C111", "1700001001.000100", "thinking_face", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(slack.Calls, c => c.Method == "reactions.add"); // the second one was not even sent

        // Another method is not affected, and once Retry-After has passed reactions work again.
        Assert.True(await api.RemoveReactionAsync("C111", "1700001000.000100", "thinking_face", CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await api.AddReactionAsync("C111", "1700001002.000100", "thinking_face", CancellationToken.None));
        Assert.Equal([429, 200], slack.Calls.Where(c => c.Method == "reactions.add").Select(c => c.Status));
    }

    [Fact]
    public async Task Ok_false_is_raised_with_the_method_and_error()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http, new FakeTimeProvider());

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync(Hello("x"), "not-a-channel", null, null, CancellationToken.None));

        Assert.Equal("chat.postMessage", ex.Method);
        Assert.Equal("channel_not_found", ex.Error);
    }

    [Fact]
    public async Task A_brief_outage_is_retried_until_slack_is_back()
    {
        // The outage: connections are refused, so no attempt reached Slack and the post is safe to repeat.
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var handler = new FlakyHandler(failures: 2, () => new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));
        using var http = new HttpClient(handler);
        var api = Client(slack, http, time);

        var ts = await RunAsync(time, api.PostMessageAsync(Hello("still here"), "C111", null, null, CancellationToken.None));

        Assert.False(string.IsNullOrEmpty(ts));
        Assert.Equal(3, handler.Attempts);
        Assert.Single(slack.Posts);
    }

    [Fact]
    public async Task A_500_is_retried_for_a_read()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.FailNext("auth.test", 2, 500);

        var me = await RunAsync(time, api.AuthTestAsync(CancellationToken.None));

        Assert.Equal(SlackEmulator.BotUserId, me.UserId);
        Assert.Equal([500, 500, 200], slack.Calls.Where(c => c.Method == "auth.test").Select(c => c.Status));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_marked_post_answered_with_a_5xx_after_slack_stored_it_is_found_by_its_metadata_and_not_sent_again(int status)
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.FailNext("chat.postMessage", 1, status, afterStoring: true);
        var mark = new SlackReplyMark("1700000800.000100/1", "1700000800.000100", SlackEmulator.BotId);

        var ts = await RunAsync(time, api.PostMessageAsync(Hello(), "C111", "1700000800.000100", mark, CancellationToken.None));

        var stored = Assert.Single(slack.Messages);
        Assert.Equal(stored.Ts, ts);
        Assert.Equal("1700000800.000100/1", stored.ReplyId);
        Assert.Equal([status], slack.Calls.Where(c => c.Method == "chat.postMessage").Select(c => c.Status));

        // The thread was read back with the metadata, from the question on.
        var probe = Assert.Single(slack.Calls, c => c.Method == "conversations.replies");
        Assert.Equal("1700000800.000100", (string?)probe.Body["ts"]);
        Assert.Equal("1700000800.000100", (string?)probe.Body["oldest"]);
        Assert.Equal("true", (string?)probe.Body["include_all_metadata"]);
    }

    [Fact]
    public async Task A_marked_post_answered_with_a_5xx_before_slack_stored_it_is_sent_again_once()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);

        // In a thread (conversations.replies is asked) and outside one, in a DM (conversations.history is asked).
        slack.FailNext("chat.postMessage", 1, 500);
        await RunAsync(time, api.PostMessageAsync(Hello(), "C111", "1700000900.000100", new SlackReplyMark("1700000900.000100/1", "1700000900.000100", SlackEmulator.BotId), CancellationToken.None));
        slack.FailNext("chat.postMessage", 1, 502);
        await RunAsync(time, api.PostMessageAsync(Hello(), "D111", null, new SlackReplyMark("1700000901.000100/1", "1700000901.000100", SlackEmulator.BotId), CancellationToken.None));

        Assert.Equal(["1700000900.000100/1", "1700000901.000100/1"], slack.Messages.Select(m => m.ReplyId));
        Assert.Equal([500, 200, 502, 200], slack.Calls.Where(c => c.Method == "chat.postMessage").Select(c => c.Status));
        Assert.Single(slack.Calls, c => c.Method == "conversations.replies");
        Assert.Single(slack.Calls, c => c.Method == "conversations.history" && (string?)c.Body["channel"] == "D111");
    }

    [Fact]
    public async Task A_marked_post_is_not_sent_again_when_the_conversation_cannot_be_read()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.FailNext("chat.postMessage", 1, 500);
        slack.FailNext("conversations.replies", 3, 500);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() =>
            RunAsync(time, api.PostMessageAsync(Hello(), "C111", "1700001100.000100", new SlackReplyMark("1700001100.000100/1", "1700001100.000100", null), CancellationToken.None)));

        Assert.Equal("not delivered", ex.Error);
        Assert.Single(slack.Calls, c => c.Method == "chat.postMessage");
        Assert.Empty(slack.Messages);
    }

    [Fact]
    public async Task Every_marked_post_carries_the_reply_metadata()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http, new FakeTimeProvider());

        await api.PostMessageAsync(Hello(), "C111", "1700001200.000100", new SlackReplyMark("1700001200.000100/2", "1700001200.000100", null), CancellationToken.None);

        var metadata = slack.Posts.Single().Body["metadata"]!;
        Assert.Equal(SlackApiClient.ReplyEventType, (string?)metadata["event_type"]);
        Assert.Equal("1700001200.000100/2", (string?)metadata["event_payload"]!["reply_id"]);
    }

    [Fact]
    public async Task A_response_url_post_with_an_unknown_outcome_is_not_sent_again_and_a_rate_limited_one_is()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        var message = new System.Text.Json.Nodes.JsonObject { ["text"] = "answer", ["response_type"] = "ephemeral" };

        // A 500 after the message was kept: a response_url cannot be read back, so it is not posted twice.
        var kept = slack.NewResponseUrl();
        slack.FailNextResponses(1, 500, afterStoring: true);
        await Assert.ThrowsAsync<SlackApiException>(() => RunAsync(time, api.RespondAsync(kept, message, CancellationToken.None)));
        Assert.Single(slack.Responses(kept));

        // A 429 certainly did not post it: it is sent again after Retry-After.
        var limited = slack.NewResponseUrl();
        slack.RateLimitNextResponses(1);
        await RunAsync(time, api.RespondAsync(limited, message, CancellationToken.None));
        Assert.Single(slack.Responses(limited));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/commands/T1/2/abc", true)]
    [InlineData("https://HOOKS.slack.com/commands/T1/2/abc", true)]
    [InlineData("http://hooks.slack.com/commands/T1/2/abc", false)]
    [InlineData("https://hooks.slack.com:8443/commands/T1/2/abc", false)]
    [InlineData("https://hooks.slack.com.example.org/commands", false)]
    [InlineData("https://user@hooks.slack.com/commands", false)]
    [InlineData("http://hooks.slack.com@127.0.0.1:9/x", false)]
    [InlineData("http://127.0.0.1:9/x", false)]
    [InlineData("http://localhost:9/x", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("/relative", false)]
    [InlineData("", false)]
    public void Only_slacks_response_urls_are_allowed(string url, bool allowed)
    {
        Assert.Equal(allowed, SlackResponseUrl.IsAllowed(url, new Uri("https://slack.com/api/"), out _));
    }

    [Fact]
    public void The_configured_api_base_host_and_port_are_allowed_for_response_urls()
    {
        var emulator = new Uri("http://127.0.0.1:5123/api/");

        Assert.True(SlackResponseUrl.IsAllowed("http://127.0.0.1:5123/response/abc", emulator, out _));
        Assert.False(SlackResponseUrl.IsAllowed("http://127.0.0.1:5124/response/abc", emulator, out _));
        Assert.False(SlackResponseUrl.IsAllowed("http://localhost:5123/response/abc", emulator, out _));
        Assert.False(SlackResponseUrl.IsAllowed("https://127.0.0.1:5123/response/abc", emulator, out _));
    }

    [Fact]
    public async Task An_unmarked_post_that_may_have_reached_slack_is_not_sent_again()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);

        // A 500: Slack may have posted the message before failing.
        slack.FailNext("chat.postMessage", 1, 500);
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync(Hello(), "C111", null, null, CancellationToken.None));
        Assert.Equal("not delivered", ex.Error);
        Assert.Single(slack.Calls, c => c.Method == "chat.postMessage");

        // A client timeout or a dropped response: the request was sent, so it is not repeated either.
        using var timingOut = new FlakyHandler(failures: 1, () => new TaskCanceledException("timeout", new TimeoutException()));
        using var http2 = new HttpClient(timingOut);
        var api2 = Client(slack, http2, time);
        await Assert.ThrowsAsync<SlackApiException>(() => api2.PostMessageAsync(Hello(), "C111", null, null, CancellationToken.None));
        using var dropped = new FlakyHandler(failures: 1, () => new HttpRequestException(HttpRequestError.ResponseEnded, "response ended"));
        using var http3 = new HttpClient(dropped);
        var api3 = Client(slack, http3, time);
        await Assert.ThrowsAsync<SlackApiException>(() => api3.PostMessageAsync(Hello(), "C111", null, null, CancellationToken.None));
        Assert.Equal(1, timingOut.Attempts);
        Assert.Equal(1, dropped.Attempts);
        Assert.Empty(slack.Posts);
    }

    /// <summary>Fails the first attempts with the given exception (as a network outage would), then passes through.</summary>
    private sealed class FlakyHandler(int failures, Func<Exception> failure) : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            return Attempts <= failures
                ? Task.FromException<HttpResponseMessage>(failure())
                : base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Notes the (fake) time at which each request is sent.</summary>
    private sealed class RecordingHandler(TimeProvider time) : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<DateTimeOffset> SentAt { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            SentAt.Enqueue(time.GetUtcNow());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
