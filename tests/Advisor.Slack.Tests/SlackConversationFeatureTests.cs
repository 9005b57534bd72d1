using System.Runtime.CompilerServices;
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
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Advisor.Slack.Tests;

/// <summary>
/// Issue 11 §3 on Slack, end to end against the emulator over the real transports: 👍/👎 and "What was missing?",
/// suggested follow-ups, progress (assistant status, else the reaction), and streamed answers.
/// </summary>
public sealed class SlackConversationFeatureTests
{
    private const string Question = "What skills does an AI Architect need?";

    private static async Task<(SlackEmulator Slack, AdvisorSlackApp App)> StartAsync(Action<IDictionary<string, string?>>? configure = null,
        Action<WebApplicationBuilder>? customize = null)
    {
        var slack = await SlackEmulator.StartAsync();
        var app = await AdvisorSlackApp.StartAsync(slack, socketMode: true, http: true, configure, customize);
        await Eventually.TrueAsync(() => slack.OpenConnections == 1, "the Socket Mode connection");
        return (slack, app);
    }

    private static IReadOnlyList<StoredMessage> RepliesIn(SlackEmulator slack, string threadTs) =>
        slack.Messages.Where(m => m.ThreadTs == threadTs && m.Ts != threadTs).ToList();

    private static async Task<QuestionLogEntry> TurnAsync(AdvisorSlackApp app, string question, Func<QuestionLogEntry, bool>? until = null)
    {
        var store = app.Services.GetRequiredService<IConversationStore>();
        QuestionLogEntry? entry = null;
        await Eventually.TrueAsync(async () =>
        {
            entry = (await store.ReadLogAsync(new QuestionLogQuery())).FirstOrDefault(e => e.Question == question);
            return entry is not null && (until?.Invoke(entry) ?? true);
        }, "the turn of '" + question + "' in the question log");
        return entry!;
    }

    private static JsonObject FeedbackElement(StoredMessage message) =>
        (JsonObject)((message.Message["blocks"] as JsonArray)!.Single(b => (string?)b!["type"] == "context_actions")!["elements"]![0]!);

    [Fact]
    public async Task Thumbs_up_over_http_is_kept_with_the_turn_and_acknowledged_quietly()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendEventAsync(SlackEmulator.Mention(Question, "1700700000.000100", "EvFb1"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700700000.000100").Count == 1, "the answer");
        var turn = await TurnAsync(app, Question);
        var answer = RepliesIn(slack, "1700700000.000100")[0];
        var feedback = FeedbackElement(answer);
        Assert.Equal("feedback_buttons", (string?)feedback["type"]);
        Assert.Equal("up:" + turn.Id, (string?)feedback["positive_button"]!["value"]);

        var click = slack.BlockActions(answer, SlackRenderer.FeedbackActionId, "up:" + turn.Id);
        using var response = await SlackEmulator.PostInteractivityAsync(new Uri(app.Root, "slack/interactivity"), click, AdvisorSlackApp.SigningSecret);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var kept = await TurnAsync(app, Question, e => e.Feedback is not null);
        Assert.Equal(FeedbackRating.Up, kept.Feedback!.Rating);
        Assert.Empty(slack.Views);
        Assert.Single(RepliesIn(slack, "1700700000.000100")); // no message about it
    }

    [Fact]
    public async Task Thumbs_down_over_socket_mode_opens_the_modal_and_its_text_is_kept()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendEventAsync(SlackEmulator.Mention(Question, "1700700100.000100", "EvFb2"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700700100.000100").Count == 1, "the answer");
        var turn = await TurnAsync(app, Question);
        var answer = RepliesIn(slack, "1700700100.000100")[0];

        var ack = await slack.SendInteractiveAsync(slack.BlockActions(answer, SlackRenderer.FeedbackActionId, "down:" + turn.Id));
        Assert.NotNull(ack);
        Assert.Null(ack["payload"]);
        await Eventually.TrueAsync(() => slack.Views.Count == 1, "the 'What was missing?' modal");
        var view = slack.Views[0];
        Assert.Equal(SlackInteractionHandler.MissingCallbackId, view.CallbackId);
        Assert.Equal(turn.Id.ToString(), view.PrivateMetadata);
        await TurnAsync(app, Question, e => e.Feedback?.Rating == FeedbackRating.Down);

        var submitted = await slack.SendInteractiveAsync(slack.ViewSubmission(view, "U222",
            new SlackInput(SlackInteractionHandler.MissingBlockId, SlackInteractionHandler.MissingActionId, "More on the tools")));
        Assert.NotNull(submitted);
        Assert.Null(submitted["payload"]); // an empty acknowledgement closes the modal
        var kept = await TurnAsync(app, Question, e => e.Feedback?.Text is not null);
        Assert.Equal(new TurnFeedback(FeedbackRating.Down, "More on the tools"), kept.Feedback);
    }

    [Fact]
    public async Task A_follow_up_click_is_answered_in_the_same_thread_and_a_tampered_key_is_dropped_quietly()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700700200.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvFu1"));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread).Count == 1, "the answer");
        var answer = RepliesIn(slack, thread)[0];
        var buttons = (answer.Message["blocks"] as JsonArray)!.Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.InRange(buttons.Count, 1, 3);
        var key = (string)buttons[0]!["value"]!;
        var expected = FollowUps.Question(key, app.Services.GetRequiredService<IAdvisor>().Knowledge);
        Assert.NotNull(expected);

        // A tampered key: acknowledged, nothing answered.
        var tampered = slack.BlockActions("C111", answer.Ts, thread,
            new JsonObject { ["type"] = "button", ["action_id"] = SlackRenderer.FollowUpActionPrefix + "1", ["value"] = "a|Nobody|skills", ["action_ts"] = "1700700201.000001" }, "U333");
        Assert.NotNull(await slack.SendInteractiveAsync(tampered));

        var click = slack.BlockActions(answer, SlackRenderer.FollowUpActionPrefix + "1", user: "U333");
        Assert.NotNull(await slack.SendInteractiveAsync(click));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread).Count == 2, "the follow-up's answer in the thread");

        var store = app.Services.GetRequiredService<IConversationStore>();
        await Eventually.TrueAsync(async () => (await store.RecentTurnsAsync($"slack:{SlackEmulator.TeamId}:C111:{thread}")).Count == 2, "the follow-up's turn kept");
        var turns = await store.RecentTurnsAsync($"slack:{SlackEmulator.TeamId}:C111:{thread}");
        Assert.Equal([Question, expected], turns.Select(t => t.Question));
        var hasher = app.Services.GetRequiredService<UserHasher>();
        var entry = await TurnAsync(app, expected!);
        Assert.Equal(hasher.Hash("slack", "U333"), entry.UserHash);

        // The same payload again (a redelivery) is not answered twice.
        Assert.NotNull(await slack.SendInteractiveAsync(click));
        await slack.SendEventAsync(SlackEmulator.Mention("What tools does an AI Scientist use?", "1700700300.000100", "EvSentinel"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700700300.000100").Count == 1, "the sentinel answer");
        Assert.Equal(2, RepliesIn(slack, thread).Count);
    }

    [Fact]
    public async Task A_slow_answer_shows_the_assistant_status_which_is_gone_once_the_answer_is_posted()
    {
        var (slack, app) = await StartAsync(Slow, s => Customize(s, b => new SlowAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700700400.000100";
        slack.AgentSessions = AgentSessionsSupport.UnknownMethod; // not an agent app: the assistant status is the fallback

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvSlow1"));
        await Eventually.TrueAsync(() => slack.AssistantStatus("C111", thread) == "is thinking…", "the assistant status while the answer is slow");
        Assert.Empty(RepliesIn(slack, thread));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread).Count == 1, "the answer");

        Assert.Null(slack.AssistantStatus("C111", thread));
        Assert.DoesNotContain(slack.Calls, c => c.Method == "reactions.add");
    }

    [Fact]
    public async Task In_an_agent_app_a_slow_answer_sets_the_session_processing_then_active_and_no_other_progress()
    {
        var (slack, app) = await StartAsync(Slow, s => Customize(s, b => new SlowAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700700450.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvAgent1"));
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "processing", "the session processing while the answer is slow");
        Assert.Empty(RepliesIn(slack, thread));
        await Eventually.TrueAsync(() => RepliesIn(slack, thread).Count == 1, "the answer");
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "active", "the session active again");

        Assert.DoesNotContain(slack.Calls, c => c.Method is "assistant.threads.setStatus" or "reactions.add");
    }

    [Fact]
    public async Task Agent_session_stopped_stops_composing_says_so_and_leaves_processing()
    {
        var (slack, app) = await StartAsync(Slow, s => Customize(s, b => new SlowAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700700470.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvStop1"));
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "processing", "the answer being composed");
        await slack.SendEventAsync(SlackEmulator.AgentSessionStopped("C111", thread, "U222", "EvStop2"));

        await Eventually.TrueAsync(() => RepliesIn(slack, thread).Count == 1, "the stop notice");
        Assert.Equal(SlackAgentSessions.StoppedText, (string?)RepliesIn(slack, thread)[0].Message["text"]);
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "active", "the session no longer processing");

        // The answer is not posted afterwards: a sentinel in another thread is answered, this thread keeps the notice only.
        await slack.SendEventAsync(SlackEmulator.Mention(Question, "1700700480.000100", "EvStop3"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700700480.000100").Count == 1, "the sentinel answer");
        Assert.Single(RepliesIn(slack, thread));
    }

    [Fact]
    public async Task Where_the_status_is_refused_the_reaction_shows_progress_and_the_refusal_is_remembered()
    {
        var (slack, app) = await StartAsync(Slow, s => Customize(s, b => new SlowAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        slack.Refuse("assistant.threads.setStatus", "missing_scope");
        slack.AgentSessions = AgentSessionsSupport.MissingScope;

        foreach (var (ts, id) in new[] { ("1700700500.000100", "EvSlow2"), ("1700700600.000100", "EvSlow3") })
        {
            await slack.SendEventAsync(SlackEmulator.Mention(Question, ts, id));
            await Eventually.TrueAsync(() => RepliesIn(slack, ts).Count == 1, "the answer");
            await Eventually.TrueAsync(() => slack.Calls.Any(c => c.Method == "reactions.remove" && (string?)c.Body["timestamp"] == ts), "the reaction taken back");
        }

        Assert.Single(slack.Calls, c => c.Method == "assistant.threads.setStatus"); // asked once, then remembered
        Assert.Single(slack.Calls, c => c.Method == "agents.sessions.setStatus");
        Assert.Equal(2, slack.Calls.Count(c => c.Method == "reactions.add"));
    }

    [Fact]
    public async Task A_model_written_answer_streams_and_ends_as_the_same_message_a_post_would_be()
    {
        var (slack, app) = await StartAsync(s => s["Advisor:Slack:StreamIntervalMilliseconds"] = "250", s => Customize(s, b => new StreamingAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700700700.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvStream"));
        var turn = await TurnAsync(app, Question);

        var stream = Assert.Single(slack.Streams);
        Assert.Equal(SlackStreamState.Stopped, stream.State);
        Assert.Equal(thread, stream.ThreadTs);
        Assert.Contains(slack.Calls, c => c.Method == "chat.appendStream" && c.Status == 200);
        Assert.DoesNotContain(slack.Calls, c => c.Method == "chat.postMessage");
        var streamed = slack.Find("C111", stream.Ts)!.Message;

        // What SendAnswerAsync would have posted for this answer and turn id.
        var advisor = app.Services.GetRequiredService<IAdvisor>();
        var answer = await advisor.AskAsync(AdvisorQuestion.Simple(Question));
        var expected = SlackRenderer.Answer(new TurnReply(turn.Id, Question, answer) { FollowUps = FollowUps.For(answer, advisor.Knowledge) }).Single();
        Assert.Equal(Normalize(expected.ToJson()["blocks"]!.AsArray()), Normalize(streamed["blocks"]!.AsArray()));
        Assert.Equal(expected.Text, (string?)streamed["text"]);
        Assert.Equal(SlackApiClient.ReplyEventType, (string?)streamed["metadata"]!["event_type"]);
        Assert.Contains(slack.History("C111", stream.Ts), v => v.Source == "chat.appendStream");
    }

    [Fact]
    public async Task Where_streams_are_refused_the_answer_is_posted_and_updated_and_ends_as_the_same_message()
    {
        var (slack, app) = await StartAsync(s => s["Advisor:Slack:StreamIntervalMilliseconds"] = "250", s => Customize(s, b => new StreamingAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        slack.Refuse("chat.startStream", "messages_tab_disabled");
        const string thread = "1700700900.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvFallback"));
        var turn = await TurnAsync(app, Question);

        Assert.Empty(slack.Streams);
        var post = Assert.Single(slack.Posts);
        var ts = (string)post.Response!["ts"]!;
        Assert.InRange(slack.Calls.Count(c => c.Method == "chat.update" && c.Status == 200), 2, 20); // progress, then the final answer
        var advisor = app.Services.GetRequiredService<IAdvisor>();
        var answer = await advisor.AskAsync(AdvisorQuestion.Simple(Question));
        var expected = SlackRenderer.Answer(new TurnReply(turn.Id, Question, answer) { FollowUps = FollowUps.For(answer, advisor.Knowledge) }).Single();
        Assert.Equal(Normalize(expected.ToJson()["blocks"]!.AsArray()), Normalize(slack.Find("C111", ts)!.Message["blocks"]!.AsArray()));
    }

    [Fact]
    public async Task A_stream_that_fails_midway_is_stopped_its_partial_text_replaced_and_only_the_apology_is_said()
    {
        var (slack, app) = await StartAsync(s => s["Advisor:Slack:StreamIntervalMilliseconds"] = "250", s => Customize(s, b => new FailingStreamAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700701000.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvBroken"));
        await Eventually.TrueAsync(() => slack.Posts.Any(p => ((string?)p.Body["text"])?.Contains(TurnNotice.Apology.Text, StringComparison.Ordinal) == true), "the apology");

        var stream = Assert.Single(slack.Streams);
        Assert.Equal(SlackStreamState.Stopped, stream.State);
        var shown = slack.Find("C111", stream.Ts)!.Message;
        Assert.Contains("interrupted", (string?)shown["text"] ?? shown.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var log = await app.Services.GetRequiredService<IConversationStore>().ReadLogAsync(QuestionLogQuery.All);
        Assert.Empty(log); // nothing kept for an answer that never arrived
    }

    [Fact]
    public async Task Stop_while_an_answer_streams_ends_the_stream_keeps_what_was_shown_marked_stopped_and_keeps_no_turn()
    {
        var (slack, app) = await StartAsync(s => s["Advisor:Slack:StreamIntervalMilliseconds"] = "250", s => Customize(s, b => new EndlessStreamAdvisor(b)));
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700701100.000100";

        await slack.SendEventAsync(SlackEmulator.Mention(Question, thread, "EvStopStream1"));
        await Eventually.TrueAsync(() => slack.Streams.Any(s => s.ThreadTs == thread && s.Text.Contains(EndlessStreamAdvisor.Piece + EndlessStreamAdvisor.Piece, StringComparison.Ordinal)),
            "the answer streaming with at least two pieces shown");
        var stream = slack.Streams.Single(s => s.ThreadTs == thread);
        await slack.SendEventAsync(slack.StopStreamByUser(stream.Ts));

        await Eventually.TrueAsync(() => stream.State == SlackStreamState.Stopped, "the stream ended by the app");
        await Eventually.TrueAsync(() => ((string?)slack.Find("C111", stream.Ts)!.Message["text"])?.EndsWith(SlackThreadReply.StoppedMark, StringComparison.Ordinal) == true,
            "the streamed message ending with the stop mark");
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "active", "the session no longer processing");
        var shown = slack.Find("C111", stream.Ts)!.Message;
        Assert.StartsWith(EndlessStreamAdvisor.Piece, (string?)shown["text"], StringComparison.Ordinal); // what was shown stays
        Assert.DoesNotContain(shown["blocks"]!.AsArray(), b => (string?)b!["type"] is "context_actions" or "actions"); // no buttons on a partial answer

        // Nothing else is said (the message says it), and nothing is kept or posted later: a sentinel thread is answered meanwhile.
        await slack.SendEventAsync(SlackEmulator.Mention("thanks!", "1700701110.000100", "EvStopStream2"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700701110.000100").Count == 1, "the sentinel answer");
        Assert.Single(RepliesIn(slack, thread));
        Assert.DoesNotContain(slack.Calls, c => c.Method == "chat.postMessage" && ((string?)c.Body["text"])?.Contains(SlackAgentSessions.StoppedText, StringComparison.Ordinal) == true);
        var log = await app.Services.GetRequiredService<IConversationStore>().ReadLogAsync(QuestionLogQuery.All);
        Assert.DoesNotContain(log, e => e.Question == Question);
    }

    [Fact]
    public async Task Stop_for_a_stream_no_answer_here_is_writing_ends_that_stream()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;
        const string thread = "1700701200.000100";

        // A stream begun before a restart: Slack still shows it as streaming; this process is composing nothing there.
        var ts = await slack.StartOrphanStreamAsync("C111", thread, "Half an ans");
        await slack.SendEventAsync(slack.StopStreamByUser(ts));

        await Eventually.TrueAsync(() => slack.Stream(ts)!.State == SlackStreamState.Stopped, "the orphan stream stopped");
        await Eventually.TrueAsync(() => slack.AgentSessionStatus("C111", thread) == "active", "the session active");
        Assert.DoesNotContain(RepliesIn(slack, thread), m => m.Ts != ts);
    }

    [Fact]
    public async Task The_extractive_answer_is_posted_at_once_without_a_stream()
    {
        var (slack, app) = await StartAsync();
        await using var _ = slack;
        await using var __ = app;

        await slack.SendEventAsync(SlackEmulator.Mention(Question, "1700700800.000100", "EvInstant"));
        await Eventually.TrueAsync(() => RepliesIn(slack, "1700700800.000100").Count == 1, "the answer");

        Assert.Empty(slack.Streams);
        Assert.DoesNotContain(slack.Calls, c => c.Method.Contains("Stream", StringComparison.Ordinal) || c.Method == "chat.update");
        Assert.Single(slack.Posts);
    }

    private static void Slow(IDictionary<string, string?> settings)
    {
        settings["Advisor:Slack:Progress"] = "Auto";
        settings["Advisor:Slack:ProgressDelayMilliseconds"] = "200";
    }

    private static void Customize(WebApplicationBuilder builder, Func<IAdvisor, IAdvisor> wrap) =>
        builder.Services.AddSingleton(sp => wrap(ActivatorUtilities.CreateInstance<AdvisorService>(sp)));

    /// <summary>Blocks without the block_ids Slack adds where the app set none.</summary>
    private static string Normalize(JsonArray blocks)
    {
        var copy = blocks.DeepClone().AsArray();
        foreach (var block in copy.OfType<JsonObject>())
        {
            if ((string?)block["type"] is not ("actions" or "context_actions"))
            {
                block.Remove("block_id");
            }
        }

        return copy.ToJsonString();
    }

    /// <summary>The real advisor, 1.5 s slower.</summary>
    private sealed class SlowAdvisor(IAdvisor inner) : Delegating(inner)
    {
        public override async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(1500, cancellationToken);
            await foreach (var update in Inner.AskStreamingAsync(question, cancellationToken))
            {
                yield return update;
            }
        }
    }

    /// <summary>A scripted model: the real answer's text in pieces, 150 ms apart, then the answer with its citations.</summary>
    private sealed class StreamingAdvisor(IAdvisor inner) : Delegating(inner)
    {
        public override async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var answer = await Inner.AskAsync(question, cancellationToken);
            foreach (var piece in answer.Text.Chunk(Math.Max(1, answer.Text.Length / 8)))
            {
                yield return new AnswerUpdate(new string(piece));
                await Task.Delay(150, cancellationToken);
            }

            yield return new AnswerUpdate("", answer);
        }
    }

    /// <summary>A scripted model that writes the same piece every 200 ms until it is cancelled.</summary>
    private sealed class EndlessStreamAdvisor(IAdvisor inner) : Delegating(inner)
    {
        public const string Piece = "An AI Architect designs systems. ";

        public override async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (!question.Text.Contains("AI Architect", StringComparison.Ordinal))
            {
                await foreach (var update in Inner.AskStreamingAsync(question, cancellationToken))
                {
                    yield return update;
                }

                yield break;
            }

            while (true)
            {
                yield return new AnswerUpdate(Piece);
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>A scripted model that writes half a sentence and then loses its server.</summary>
    private sealed class FailingStreamAdvisor(IAdvisor inner) : Delegating(inner)
    {
        public override async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new AnswerUpdate("An AI Architect needs ");
            await Task.Delay(300, cancellationToken);
            yield return new AnswerUpdate("a strong grasp of ");
            await Task.Delay(300, cancellationToken);
            throw new HttpRequestException("the model server went away");
        }
    }

    private abstract class Delegating(IAdvisor inner) : IAdvisor
    {
        protected IAdvisor Inner => inner;

        public KnowledgeSnapshot Knowledge => inner.Knowledge;

        public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
        {
            Answer? final = null;
            await foreach (var update in AskStreamingAsync(question, cancellationToken))
            {
                final = update.Final ?? final;
            }

            return final!;
        }

        public abstract IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, CancellationToken cancellationToken = default);

        public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => inner.Compare(roleA, roleB, aspect);

        public IReadOnlyList<RoleInfo> Roles() => inner.Roles();

        public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => inner.SuggestRoles(fragment, max);

        public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => inner.ReloadAsync(cancellationToken);
    }
}
