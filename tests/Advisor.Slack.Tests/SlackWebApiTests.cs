using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Advisor.Slack.Tests;

public sealed class SlackWebApiTests
{
    private static SlackApiClient Client(SlackEmulator slack, HttpClient http) =>
        new(http, Options.Create(new SlackOptions { BotToken = "xoxb-test", ApiBaseUrl = slack.ApiBase.ToString(), DeliveryWindowSeconds = 30 }),
            TimeProvider.System, NullLogger<SlackApiClient>.Instance);

    [Fact]
    public async Task A_429_is_waited_out_for_the_time_Retry_After_asks_and_the_message_is_posted_once()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http);
        slack.RetryAfterSeconds = 1;
        slack.RateLimitNext("chat.postMessage", 1);

        var ts = await api.PostMessageAsync(SlackMessage.Plain("hello"), "C111", "1700000700.000100", CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(ts));
        var calls = slack.Calls.Where(c => c.Method == "chat.postMessage").ToList();
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {(calls[1].At - calls[0].At).TotalSeconds} s");
    }

    [Fact]
    public async Task A_429_on_one_method_does_not_hold_back_another()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http);
        slack.RetryAfterSeconds = 5;
        slack.RateLimitNext("chat.postMessage", 1);

        var posting = api.PostMessageAsync(SlackMessage.Plain("hello"), "C111", null, CancellationToken.None);
        await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Status == 429), "the 429");
        var me = await api.AuthTestAsync(CancellationToken.None);

        Assert.Equal(SlackEmulator.BotUserId, me.UserId);
        Assert.False(posting.IsCompleted);
        await posting;
    }

    [Fact]
    public async Task Chat_update_and_reactions_send_the_bot_token_and_the_arguments()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http);

        await api.UpdateMessageAsync(SlackMessage.Plain("edited"), "C111", "1700000900.000100", CancellationToken.None);
        Assert.True(await api.AddReactionAsync("C111", "1700000900.000100", "thinking_face", CancellationToken.None));

        var update = slack.Calls.Single(c => c.Method == "chat.update");
        Assert.Equal("Bearer xoxb-test", update.Authorization);
        Assert.Equal("1700000900.000100", (string?)update.Body["ts"]);
        Assert.Equal("edited", (string?)update.Body["text"]);
        Assert.Equal("thinking_face", (string?)slack.Calls.Single(c => c.Method == "reactions.add").Body["name"]);
    }

    [Fact]
    public async Task Ok_false_is_raised_with_the_method_and_error()
    {
        await using var slack = await SlackEmulator.StartAsync();
        using var http = new HttpClient();
        var api = Client(slack, http);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync(SlackMessage.Plain("x"), "not-a-channel", null, CancellationToken.None));

        Assert.Equal("chat.postMessage", ex.Method);
        Assert.Equal("channel_not_found", ex.Error);
    }

    [Fact]
    public async Task A_brief_outage_is_retried_until_slack_is_back()
    {
        await using var slack = await SlackEmulator.StartAsync();
        var handler = new FlakyHandler(failures: 2);
        using var http = new HttpClient(handler);
        var api = Client(slack, http);

        var ts = await api.PostMessageAsync(SlackMessage.Plain("still here"), "C111", null, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(ts));
        Assert.Equal(3, handler.Attempts);
        Assert.Single(slack.Posts);
    }

    /// <summary>Refuses the first connections (as a network outage would), then passes through.</summary>
    private sealed class FlakyHandler(int failures) : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            return Attempts <= failures
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"))
                : base.SendAsync(request, cancellationToken);
        }
    }
}
