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

        var ts = await RunAsync(time, api.PostMessageAsync(Hello(), "C111", "1700000700.000100", CancellationToken.None));

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

        var posting = api.PostMessageAsync(Hello(), "C111", null, CancellationToken.None);
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

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync(Hello("x"), "not-a-channel", null, CancellationToken.None));

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

        var ts = await RunAsync(time, api.PostMessageAsync(Hello("still here"), "C111", null, CancellationToken.None));

        Assert.False(string.IsNullOrEmpty(ts));
        Assert.Equal(3, handler.Attempts);
        Assert.Single(slack.Posts);
    }

    [Fact]
    public async Task A_503_is_retried_for_a_post_and_a_500_for_a_read()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);
        slack.FailNext("chat.postMessage", 1, 503);
        slack.FailNext("auth.test", 2, 500);

        await RunAsync(time, api.PostMessageAsync(Hello(), "C111", null, CancellationToken.None));
        var me = await RunAsync(time, api.AuthTestAsync(CancellationToken.None));

        Assert.Equal([503, 200], slack.Calls.Where(c => c.Method == "chat.postMessage").Select(c => c.Status));
        Assert.Single(slack.Posts);
        Assert.Equal(SlackEmulator.BotUserId, me.UserId);
        Assert.Equal([500, 500, 200], slack.Calls.Where(c => c.Method == "auth.test").Select(c => c.Status));
    }

    [Fact]
    public async Task A_post_that_may_have_reached_slack_is_not_sent_again()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var time = new FakeTimeProvider();
        using var http = new HttpClient();
        var api = Client(slack, http, time);

        // A 500: Slack may have posted the message before failing.
        slack.FailNext("chat.postMessage", 1, 500);
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync(Hello(), "C111", null, CancellationToken.None));
        Assert.Contains("HTTP 500", ex.Error, StringComparison.Ordinal);
        Assert.Single(slack.Calls, c => c.Method == "chat.postMessage");

        // A client timeout or a dropped response: the request was sent, so it is not repeated either.
        using var timingOut = new FlakyHandler(failures: 1, () => new TaskCanceledException("timeout", new TimeoutException()));
        using var http2 = new HttpClient(timingOut);
        var api2 = Client(slack, http2, time);
        await Assert.ThrowsAsync<SlackApiException>(() => api2.PostMessageAsync(Hello(), "C111", null, CancellationToken.None));
        using var dropped = new FlakyHandler(failures: 1, () => new HttpRequestException(HttpRequestError.ResponseEnded, "response ended"));
        using var http3 = new HttpClient(dropped);
        var api3 = Client(slack, http3, time);
        await Assert.ThrowsAsync<SlackApiException>(() => api3.PostMessageAsync(Hello(), "C111", null, CancellationToken.None));
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
