using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Advisor.Core;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;
using Advisor.Core.Turns;
using Advisor.Testing;
using Advisor.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Advisor.Slack.Tests;

/// <summary>Socket Mode behaviour around failures: rate-limited reactions, a failing advisor, message subtypes, connection limits, metrics.</summary>
public sealed class SlackResilienceTests
{
    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? customize = null)
    {
        var slack = await SlackEmulator.StartAsync();
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: false, customize: customize);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    private static IReadOnlyList<ApiCall> PostsIn(SlackEmulator slack, string threadTs) =>
        slack.Posts.Where(p => (string?)p.Body["thread_ts"] == threadTs).ToList();

    [Fact]
    public async Task A_rate_limited_reaction_never_holds_back_an_answer()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        // reactions.add is blocked for ten minutes; if the answer waited for it, it would not come within the test's patience.
        slack.RetryAfterSeconds = 600;
        slack.RateLimitNext("reactions.add", 1);
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700002000.000100", "EvR1"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700002000.000100").Count == 1, "the first answer");
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700002001.000100", "EvR2"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700002001.000100").Count == 1, "the second answer");

        // One attempt (the 429), none while blocked, and nothing to remove.
        Assert.Equal([429], slack.Calls.Where(c => c.Method == "reactions.add").Select(c => c.Status));
        Assert.DoesNotContain(slack.Calls, c => c.Method == "reactions.remove");
    }

    [Fact]
    public async Task An_unexpected_failure_gets_an_apology_and_an_unposted_answer_is_not_remembered()
    {
        var (slack, app) = await StartAsync(b => b.Services.AddSingleton<IAdvisor>(sp => new FailingAdvisor(ActivatorUtilities.CreateInstance<AdvisorService>(sp))));
        await using var _ = slack;
        await using var __ = app;
        var store = app.Services.GetRequiredService<IConversationStore>();

        // The advisor throws for this question: the user gets an apology, and the thread is not one the bot follows.
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need? " + FailingAdvisor.Trigger, "1700003000.000100", "EvBoom"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700003000.000100").Count == 1, "the apology");
        Assert.Equal(TurnNotice.ApologyText, (string?)PostsIn(slack, "1700003000.000100")[0].Body["text"]);
        Assert.False(await store.KnowsAsync($"slack:{SlackEmulator.TeamId}:C111:1700003000.000100"));

        // The answer is composed but Slack refuses the post (channel_not_found): the turn is not remembered either.
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700003001.000100", "EvLost", channel: "XGONE"));
        await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Method == "reactions.remove" && (string?)c.Body["timestamp"] == "1700003001.000100"),
            "the handler finished (its reaction removed)");
        Assert.Contains(slack.Calls, c => c.Method == "chat.postMessage" && (string?)c.Body["channel"] == "XGONE");
        Assert.False(await store.KnowsAsync($"slack:{SlackEmulator.TeamId}:XGONE:1700003001.000100"));
    }

    [Fact]
    public async Task File_shares_and_thread_broadcasts_by_people_are_answered()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        // A direct message with a file attached.
        await slack.SendEventAsync(SlackEmulator.Message("What skills does an AI Architect need?", "1700004000.000100", "EvFile", channel: "D111",
            channelType: "im", subtype: "file_share"));
        await Eventually.TrueAsync(() => slack.Posts.Any(p => (string?)p.Body["channel"] == "D111"), "the answer to the file share");

        // A follow-up in the bot's thread that is also sent to the channel.
        const string thread = "1700004100.000100";
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", thread, "EvThread"));
        await Eventually.TrueAsync(() => PostsIn(slack, thread).Count == 1, "the first answer in the thread");
        await slack.SendEventAsync(SlackEmulator.Message("And what education?", "1700004101.000100", "EvBroadcast", threadTs: thread, subtype: "thread_broadcast"));
        await Eventually.TrueAsync(() => PostsIn(slack, thread).Count == 2, "the answer to the broadcast reply");
    }

    [Fact]
    public async Task Too_many_websockets_closes_the_connection_and_waits_before_opening_another()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendFrameAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "too_many_websockets", ["debug_info"] = new JsonObject { ["host"] = "wss-1" } });
        await Eventually.TrueAsync(() => slack.Lifecycle.Contains("open 2") && slack.OpenConnections == 1, "the new connection after the backoff");

        var order = slack.Lifecycle.ToList();
        Assert.True(order.IndexOf("close 1") >= 0 && order.IndexOf("close 1") < order.IndexOf("open 2"), string.Join(", ", order));
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700005000.000100", "EvAfter"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700005000.000100").Count == 1, "an answer on the new connection");
    }

    [Fact]
    public async Task A_refresh_and_a_rate_limit_wait_are_counted_for_slack()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var reconnects = new MetricCollector<long>(meters, AdvisorMetrics.MeterName, "advisor.platform.reconnects");
        using var waits = new MetricCollector<long>(meters, AdvisorMetrics.MeterName, "advisor.platform.rate_limit.waits");

        await slack.SendFrameAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested", ["debug_info"] = new JsonObject { ["host"] = "wss-1" } });
        await Eventually.TrueAsync(() => reconnects.GetMeasurementSnapshot().Count == 1, "the reconnect counted");
        var reconnect = reconnects.GetMeasurementSnapshot()[0];
        Assert.Equal(1, reconnect.Value);
        Assert.Equal("slack", reconnect.Tags["platform"]);
        Assert.Equal("refresh_requested", reconnect.Tags["reason"]);

        slack.RetryAfterSeconds = 1;
        slack.RateLimitNext("chat.postMessage", 1);
        await slack.SendEventAsync(SlackEmulator.Mention("What skills does an AI Architect need?", "1700006000.000100", "EvLimited"));
        await Eventually.TrueAsync(() => PostsIn(slack, "1700006000.000100").Count == 1, "the answer after the wait");
        var wait = Assert.Single(waits.GetMeasurementSnapshot());
        Assert.Equal(1, wait.Value);
        Assert.Equal("slack", wait.Tags["platform"]);
    }

    /// <summary>The real advisor, except that a question containing <see cref="Trigger"/> fails unexpectedly.</summary>
    private sealed class FailingAdvisor(IAdvisor inner) : IAdvisor
    {
        public const string Trigger = "[fail]";

        public KnowledgeSnapshot Knowledge => inner.Knowledge;

        public Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default) =>
            question.Text.Contains(Trigger, StringComparison.Ordinal)
                ? throw new InvalidOperationException("the model is down")
                : inner.AskAsync(question, cancellationToken);

        public IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, CancellationToken cancellationToken = default) =>
            question.Text.Contains(Trigger, StringComparison.Ordinal)
                ? throw new InvalidOperationException("the model is down")
                : inner.AskStreamingAsync(question, cancellationToken);

        public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

        public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

        public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

        public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
    }
}
