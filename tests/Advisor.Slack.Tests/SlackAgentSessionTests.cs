using Microsoft.Extensions.DependencyInjection;
using Advisor.Testing;
using Advisor.Testing.Slack;

namespace Advisor.Slack.Tests;

/// <summary>
/// Each thread is an agent session (issue 12, Slack, first bullet): in an agent app every answer, fast or slow, sets the
/// session processing (titled from the question) and then active; a change of roles in a thread renames the session;
/// an app Slack refuses the agent methods to makes no agents.* calls once that is known.
/// </summary>
public sealed class SlackAgentSessionTests
{
    private const string Question = "What skills does an AI Architect need?";

    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync()
    {
        var slack = await SlackEmulator.StartAsync();
        // The defaults: the agent session status (or, for a slow answer elsewhere, the assistant status) after a second.
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: true, s =>
        {
            s["Advisor:Slack:Progress"] = "Auto";
            s["Advisor:Slack:ProgressDelayMilliseconds"] = "5000";
        });
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    /// <summary>The bot's posts in a thread (the users' messages are not stored by the emulator's events).</summary>
    private static int RepliesIn(SlackEmulator slack, string threadTs) => slack.Posts.Count(p => (string?)p.Body["thread_ts"] == threadTs);

    private static List<SlackStatusUpdate> SessionUpdates(SlackEmulator slack, string threadTs) =>
        slack.StatusUpdates.Where(u => u.Method == "agents.sessions.setStatus" && u.ThreadTs == threadTs).ToList();

    [Fact]
    public async Task In_an_agent_app_a_fast_answer_sets_the_session_processing_with_a_title_from_the_question_then_active()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700800000.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvSession1"));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread) == 1, "the answer");
        await Eventually.TrueAsync(() => SessionUpdates(slack, thread).Count == 2, "processing then active");

        var updates = SessionUpdates(slack, thread);
        Assert.Equal(["processing", "active"], updates.Select(u => u.Status));
        Assert.Equal(Question, (string?)updates[0].Body["title"]);
        Assert.Equal("C111", updates[0].Channel);
        Assert.Equal("active", slack.AgentSessionStatus("C111", thread));
        Assert.DoesNotContain(slack.Calls, c => c.Method is "assistant.threads.setStatus" or "reactions.add");
        Assert.Empty(slack.Renames); // the first answer's topic is the title the session was created with
    }

    [Fact]
    public async Task A_question_about_another_role_in_the_same_thread_renames_the_session_and_the_same_role_does_not()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700800100.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvTopic1"));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread) == 1, "the first answer");
        await Eventually.TrueAsync(() => SessionUpdates(slack, thread).Count == 2, "the first answer's session status");

        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Architect use?", "1700800101.000100", "EvTopic2", threadTs: thread));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread) == 2, "the same role's answer");
        await Eventually.TrueAsync(() => SessionUpdates(slack, thread).Count == 4, "the second answer's session status");

        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700800102.000100", "EvTopic3", threadTs: thread));
        await Eventually.TrueAsync(() => slack.Renames.Count == 1, "the session renamed on the new role");

        var (channel, threadTs, title) = slack.Renames.Single();
        Assert.Equal("C111", channel);
        Assert.Equal(thread, threadTs);
        Assert.StartsWith("AI Scientist", title, StringComparison.Ordinal); // the role, then the aspect when one was recognized
        Assert.DoesNotContain("AI Architect", title, StringComparison.Ordinal);
        Assert.InRange(title.Length, 1, 200);
        await Eventually.TrueAsync(() => SessionUpdates(slack, thread).Count == 6, "the third answer's session status");
        Assert.Single(slack.Renames);
    }

    [Fact]
    public async Task A_non_agent_app_makes_no_agents_calls_for_a_fast_answer_once_slack_refused_them()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        slack.AgentSessions = AgentSessionsSupport.MissingScope;

        // The first answer learns it from Slack's own error (one refused call); the answer is not held up by it.
        await slack.SendEventAsync(SlackEmulator.Mention(Question, "1700800200.000100", "EvPlain1"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700800200.000100") == 1, "the first answer");

        // The refused call runs beside the answer, so it may reach Slack, and its refusal be learned, just after the reply.
        var support = app.Services.GetRequiredService<SlackStatusSupport>();
        await Eventually.TrueAsync(() => support.AgentRefused, "the refusal learned");
        Assert.Single(slack.Calls, c => c.Method.StartsWith("agents.", StringComparison.Ordinal));

        var before = slack.Calls.Count;
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700800300.000100", "EvPlain2"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700800300.000100") == 1, "the second answer");

        Assert.DoesNotContain(slack.Calls.Skip(before), c => c.Method.StartsWith("agents.", StringComparison.Ordinal));
        Assert.Single(slack.Calls, c => c.Method.StartsWith("agents.", StringComparison.Ordinal));
        Assert.Empty(slack.Renames);
        Assert.DoesNotContain(slack.Calls, c => c.Method is "assistant.threads.setStatus" or "reactions.add"); // fast: no progress at all
    }
}
