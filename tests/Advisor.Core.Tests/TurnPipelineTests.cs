using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;
using Advisor.Core.Turns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>
/// The turn pipeline on its own: a scripted advisor, a recording reply channel, the in-memory store. Every platform's
/// adapter and the console run on it, so what is pinned here holds for all of them.
/// </summary>
public sealed class TurnPipelineTests
{
    private const string Conversation = "test:C1:T1";
    private const string User = "U123";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ScriptedAdvisor _advisor = new();
    private readonly UserHasher _hasher = new(new byte[32]);

    private (TurnPipeline Pipeline, InMemoryConversationStore Store) Create(int perMinute = 10, IConversationStore? store = null, AdvisorMetrics? metrics = null)
    {
        var options = Options.Create(new ConversationOptions { QuestionsPerUserPerMinute = perMinute });
        var memory = new InMemoryConversationStore(options, _time);
        var pipeline = new TurnPipeline(_advisor, store ?? memory, _hasher, new UserRateLimiter(options, _time), metrics ?? new AdvisorMetrics(),
            options, _time, NullLogger<TurnPipeline>.Instance);
        return (pipeline, memory);
    }

    private IncomingMessage Message(string key, string text, bool addressed = true, bool command = false, string user = User, string conversation = Conversation) => new()
    {
        Platform = "test",
        DedupeKey = key,
        ConversationKey = conversation,
        UserKey = user,
        Text = text,
        Addressed = addressed,
        IsCommand = command,
        ReceivedAt = _time.GetUtcNow(),
    };

    [Fact]
    public async Task A_message_delivered_twice_is_answered_once()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();

        var first = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);
        var second = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, first.Status);
        Assert.Equal(TurnStatus.Repeat, second.Status);
        Assert.Single(_advisor.Asked);
        Assert.Single(channel.Answers);
        Assert.Empty(channel.Notices);
        Assert.Equal(AdmissionStatus.Repeat, pipeline.Admit(Message("m1", "again")).Status);
    }

    [Fact]
    public void Dedupe_keys_are_per_platform_and_an_empty_key_is_never_a_repeat()
    {
        var (pipeline, _) = Create();

        Assert.True(pipeline.Admit(Message("m1", "q")).Accepted);
        Assert.True(pipeline.Admit(Message("m1", "q") with { Platform = "other" }).Accepted);
        Assert.True(pipeline.Admit(Message("", "q")).Accepted);
        Assert.True(pipeline.Admit(Message("", "q")).Accepted);
    }

    [Fact]
    public async Task Any_failure_becomes_the_one_apology_and_nothing_is_kept()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel();
        _advisor.Fail = _ => new InvalidOperationException("the model is down");

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Failed, outcome.Status);
        Assert.Empty(channel.Answers);
        var notice = Assert.Single(channel.Notices);
        Assert.Equal(new TurnNotice(NoticeKind.Apology, TurnNotice.ApologyText), notice);
        Assert.False(await store.KnowsAsync(Conversation));
        Assert.Empty(await store.ReadLogAsync(new QuestionLogQuery()));
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_also_ends_in_the_apology()
    {
        var (pipeline, _) = Create(store: new BrokenStore());
        var channel = new RecordingChannel();

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Failed, outcome.Status);
        Assert.Equal(TurnNotice.ApologyText, Assert.Single(channel.Notices).Text);
        Assert.Empty(_advisor.Asked);
    }

    [Fact]
    public async Task A_question_the_core_refuses_gets_its_reason_not_the_apology()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();
        _advisor.Fail = _ => new InvalidQuestionException("That is not a question I can take.");

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Refused, outcome.Status);
        Assert.Equal(new TurnNotice(NoticeKind.Invalid, "That is not a question I can take."), Assert.Single(channel.Notices));
    }

    [Fact]
    public async Task Nothing_is_kept_when_the_answer_could_not_be_delivered()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel { Deliver = false };

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.NotDelivered, outcome.Status);
        Assert.Null(outcome.TurnId);
        Assert.NotNull(outcome.Answer);
        Assert.Single(channel.Answers); // tried
        Assert.Empty(channel.Notices); // no apology on top of a reply that did not arrive
        Assert.False(await store.KnowsAsync(Conversation));
        Assert.Empty(await store.ReadLogAsync(new QuestionLogQuery()));
        Assert.False(pipeline.Follows(Conversation));
    }

    [Fact]
    public async Task A_channel_that_throws_while_sending_counts_as_not_delivered()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel { Throw = true };

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.NotDelivered, outcome.Status);
        Assert.False(await store.KnowsAsync(Conversation));
    }

    [Fact]
    public async Task The_turn_is_kept_after_delivery_under_the_id_the_renderer_was_given_with_a_hashed_user()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel();
        var knownWhileSending = true;
        channel.OnAnswer = _ => knownWhileSending = store.KnowsAsync(Conversation).Result;
        var received = _time.GetUtcNow();
        _advisor.Delay = () => _time.Advance(TimeSpan.FromMilliseconds(250));

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, outcome.Status);
        Assert.False(knownWhileSending, "the turn was kept before its answer was delivered");
        var sent = Assert.Single(channel.Answers);
        Assert.Equal(sent.TurnId, outcome.TurnId);
        Assert.Equal("What does an AI Architect do?", sent.Question);
        var turn = Assert.Single(await store.RecentTurnsAsync(Conversation));
        Assert.Equal(sent.TurnId, turn.Id);
        Assert.Equal(["AI Architect"], turn.Answer.Roles);
        var entry = Assert.Single(await store.ReadLogAsync(new QuestionLogQuery()));
        Assert.Equal(sent.TurnId, entry.Id);
        Assert.Equal("test", entry.Platform);
        Assert.Equal(_hasher.Hash("test", User), entry.UserHash);
        Assert.NotEqual(User, entry.UserHash);
        Assert.Equal(["article.md#what-they-do"], entry.SectionIds);
        Assert.Equal("v1", entry.KnowledgeVersion);
        Assert.Equal(TimeSpan.FromMilliseconds(250), entry.Latency);
        Assert.True(received < _time.GetUtcNow());
        Assert.True(pipeline.Follows(Conversation));
    }

    [Fact]
    public async Task A_reply_that_opened_a_new_conversation_keeps_the_turn_there()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel { MovesTo = "test:thread:42" };

        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.False(await store.KnowsAsync(Conversation));
        Assert.True(await store.KnowsAsync("test:thread:42"));
    }

    [Fact]
    public async Task A_user_over_the_limit_is_told_once_a_window_and_a_command_every_time()
    {
        using var meters = new MeterFactory();
        var metrics = new AdvisorMetrics(meters);
        var refusals = 0;
        using var listener = meters.Listen("advisor.questions.refused", () => Interlocked.Increment(ref refusals));
        var (pipeline, _) = Create(perMinute: 1, metrics: metrics);
        var channel = new RecordingChannel();

        for (var i = 0; i < 4; i++)
        {
            await pipeline.HandleAsync(Message($"m{i}", "What does an AI Architect do?"), channel, CancellationToken.None);
        }

        Assert.Single(channel.Answers);
        var notice = Assert.Single(channel.Notices);
        Assert.Equal(NoticeKind.RateLimited, notice.Kind);
        Assert.Contains("1 questions a minute", notice.Text, StringComparison.Ordinal);

        // A command must be answered: each refused one carries its notice.
        for (var i = 0; i < 2; i++)
        {
            var admission = pipeline.Admit(Message($"c{i}", "What does an AI Architect do?", command: true));
            Assert.Equal(AdmissionStatus.Refused, admission.Status);
            Assert.Equal(NoticeKind.RateLimited, admission.Notice?.Kind);
        }

        // Another user is not held back.
        Assert.True(pipeline.Admit(Message("o1", "What does an AI Architect do?", user: "U999")).Accepted);
        Assert.Equal(5, refusals);
    }

    [Fact]
    public async Task An_invalid_question_gets_the_problem_and_never_reaches_the_advisor()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();

        var outcome = await pipeline.HandleAsync(Message("m1", "   "), channel, CancellationToken.None);
        var tooLong = pipeline.Admit(Message("m2", new string('x', AdvisorQuestion.MaxLength + 1)));

        Assert.Equal(TurnStatus.Refused, outcome.Status);
        Assert.Equal(NoticeKind.Invalid, Assert.Single(channel.Notices).Kind);
        Assert.Equal(AdmissionStatus.Refused, tooLong.Status);
        Assert.Contains("limit", tooLong.Notice?.Text, StringComparison.Ordinal);
        Assert.Empty(_advisor.Asked);
    }

    [Fact]
    public async Task A_follow_up_without_a_mention_is_answered_with_the_history_from_the_store()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();

        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);
        var followUp = await pipeline.HandleAsync(Message("m2", "and their education?", addressed: false), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, followUp.Status);
        var asked = _advisor.Asked.Last();
        Assert.Equal("and their education?", asked.Text);
        var earlier = Assert.Single(asked.History);
        Assert.Equal("What does an AI Architect do?", earlier.Question);
        Assert.Equal(["AI Architect"], earlier.Answer!.Roles);
        Assert.Equal(Conversation, asked.ConversationId);
        Assert.Null(asked.UserId); // the raw user id goes no further than the limit and the hash
    }

    [Fact]
    public async Task A_per_user_conversation_is_each_askers_own_and_keyed_by_their_hash_never_their_id()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel();

        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?") with { PerUser = true, ConversationKey = "test:C9" }, channel, CancellationToken.None);
        await pipeline.HandleAsync(Message("m2", "and their education?", user: "U999") with { PerUser = true, ConversationKey = "test:C9" }, channel, CancellationToken.None);
        await pipeline.HandleAsync(Message("m3", "and their education?") with { PerUser = true, ConversationKey = "test:C9" }, channel, CancellationToken.None);

        var asked = _advisor.Asked.ToArray();
        Assert.Empty(asked[1].History); // someone else's question in the channel is not their conversation
        Assert.Equal("What does an AI Architect do?", Assert.Single(asked[2].History).Question);
        var key = "test:C9:" + _hasher.Hash("test", User);
        Assert.Equal(key, asked[2].ConversationId);
        Assert.Equal(2, (await store.RecentTurnsAsync(key)).Count);
        Assert.DoesNotContain(asked, q => q.ConversationId!.Contains(User, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_without_a_mention_where_the_bot_takes_no_part_is_left_alone()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel();

        var chatter = await pipeline.HandleAsync(Message("m1", "lunch anyone?", addressed: false), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.NotForTheBot, chatter.Status);
        Assert.Empty(_advisor.Asked);
        Assert.Empty(channel.Answers);
        Assert.Empty(channel.Notices);
        Assert.False(await store.KnowsAsync(Conversation));

        // …and in a thread it does take part in, a message with no text is no question (not "the question is empty").
        await pipeline.HandleAsync(Message("m2", "What does an AI Architect do?"), channel, CancellationToken.None);
        var empty = await pipeline.HandleAsync(Message("m3", "", addressed: false), channel, CancellationToken.None);
        Assert.Equal(TurnStatus.NoQuestion, empty.Status);
        Assert.Empty(channel.Notices);
    }

    [Fact]
    public async Task A_command_and_a_message_share_the_conversation_they_name()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();

        var command = pipeline.Admit(Message("c1", "What does an AI Architect do?", command: true));
        Assert.True(command.Accepted);
        var answered = await pipeline.AnswerAsync(Message("c1", "What does an AI Architect do?", command: true), channel, CancellationToken.None);
        await pipeline.HandleAsync(Message("m2", "and their education?", addressed: false), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, answered.Status);
        Assert.Equal(2, channel.Answers.Count);
        Assert.Equal("What does an AI Architect do?", Assert.Single(_advisor.Asked.Last().History).Question);
    }

    [Fact]
    public async Task A_reply_already_on_the_platform_is_not_answered_again()
    {
        var (pipeline, store) = Create();
        var channel = new RecordingChannel { AnsweredBefore = true };

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Repeat, outcome.Status);
        Assert.Empty(_advisor.Asked);
        Assert.Empty(channel.Answers);
        Assert.False(await store.KnowsAsync(Conversation));
    }

    [Fact]
    public async Task Progress_is_shown_while_answering_and_ended_once_the_reply_is_out()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();
        _advisor.Delay = () => Assert.Equal(["progress shown"], channel.Events);

        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(["progress shown", "answer", "progress ended"], channel.Events);
    }

    [Fact]
    public async Task A_refused_message_shows_no_progress()
    {
        var (pipeline, _) = Create(perMinute: 1);
        var channel = new RecordingChannel();
        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);
        channel.Events.Clear();

        await pipeline.HandleAsync(Message("m2", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(["notice"], channel.Events);
    }

    [Fact]
    public async Task A_turn_that_cannot_be_kept_is_still_answered()
    {
        var options = Options.Create(new ConversationOptions());
        var pipeline = new TurnPipeline(_advisor, new UnwritableStore(new InMemoryConversationStore(options, _time)), _hasher, null, new AdvisorMetrics(),
            options, _time, NullLogger<TurnPipeline>.Instance);
        var channel = new RecordingChannel();

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, outcome.Status);
        Assert.Null(outcome.TurnId);
        Assert.Single(channel.Answers);
        Assert.Empty(channel.Notices);
    }

    [Fact]
    public void Without_a_limiter_nobody_is_limited()
    {
        var options = Options.Create(new ConversationOptions { QuestionsPerUserPerMinute = 1 });
        var pipeline = new TurnPipeline(_advisor, new InMemoryConversationStore(options, _time), _hasher, null, new AdvisorMetrics(),
            options, _time, NullLogger<TurnPipeline>.Instance);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(pipeline.Admit(Message($"m{i}", "What does an AI Architect do?")).Accepted);
        }
    }

    [Fact]
    public async Task A_message_another_replica_took_on_is_neither_answered_nor_refused_here()
    {
        var options = Options.Create(new ConversationOptions());
        var dedupe = new ElsewhereDedupe(_time) { TakenElsewhere = { "m1" } };
        var pipeline = new TurnPipeline(_advisor, new InMemoryConversationStore(options, _time), _hasher, new UserRateLimiter(options, _time), new AdvisorMetrics(),
            options, _time, NullLogger<TurnPipeline>.Instance, dedupe);
        var channel = new RecordingChannel();

        var elsewhere = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);
        var here = await pipeline.HandleAsync(Message("m2", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Repeat, elsewhere.Status);
        Assert.Equal(TurnStatus.Answered, here.Status);
        Assert.Single(_advisor.Asked);
        Assert.Single(channel.Answers);
        Assert.Empty(channel.Notices);
        Assert.Equal(["m1", "m2"], dedupe.AskedAcross); // intake claimed both here; the second look asked about both
    }

    [Fact]
    public async Task Over_the_limit_counted_across_replicas_a_chat_message_is_told_once_and_a_command_every_time()
    {
        var options = Options.Create(new ConversationOptions());
        var limit = new SharedLimit(); // every replica together: over the limit, the first refusal tells
        var pipeline = new TurnPipeline(_advisor, new InMemoryConversationStore(options, _time), _hasher, limit, new AdvisorMetrics(),
            options, _time, NullLogger<TurnPipeline>.Instance);
        var chat = new RecordingChannel();
        var command = new RecordingChannel();

        var first = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), chat, CancellationToken.None);
        var second = await pipeline.HandleAsync(Message("m2", "What does an AI Architect do?"), chat, CancellationToken.None);
        var third = await pipeline.HandleAsync(Message("m3", "What does an AI Architect do?", command: true), command, CancellationToken.None);

        Assert.All([first, second, third], o => Assert.Equal(TurnStatus.Refused, o.Status));
        Assert.Equal(NoticeKind.RateLimited, Assert.Single(chat.Notices).Kind);
        Assert.Contains("try again in 42 seconds", Assert.Single(command.Notices).Text, StringComparison.Ordinal);
        Assert.Empty(_advisor.Asked);
        Assert.Equal(["test:U123", "test:U123", "test:U123"], limit.Asked);
    }

    /// <summary>A dedupe whose other replicas took some keys on; intake is this process's memory.</summary>
    private sealed class ElsewhereDedupe(TimeProvider time) : IEventDedupe
    {
        private readonly InMemoryEventDedupe _here = new(time);

        public HashSet<string> TakenElsewhere { get; } = [];

        public List<string> AskedAcross { get; } = [];

        public bool Shared => true;

        public bool TryClaim(DedupeScope scope, string key) => _here.TryClaim(scope, key);

        public void Release(DedupeScope scope, string key) => _here.Release(scope, key);

        public ValueTask<bool> TryClaimAcrossReplicasAsync(DedupeScope scope, string key, CancellationToken cancellationToken = default)
        {
            AskedAcross.Add(key);
            return ValueTask.FromResult(!TakenElsewhere.Contains(key));
        }
    }

    /// <summary>A limit this replica never reaches but all replicas together are over: told on the first refusal only.</summary>
    private sealed class SharedLimit : IUserRateLimit
    {
        public List<string> Asked { get; } = [];

        public int Limit => 10;

        public bool TryAcquire(string userKey, out TimeSpan retryAfter, out bool notify)
        {
            retryAfter = TimeSpan.Zero;
            notify = false;
            return true;
        }

        public ValueTask<RateLimitDecision> TryAcquireAcrossReplicasAsync(string userKey, CancellationToken cancellationToken = default)
        {
            Asked.Add(userKey);
            return ValueTask.FromResult(new RateLimitDecision(false, TimeSpan.FromSeconds(42), Notify: Asked.Count == 1));
        }

        public string Refusal(TimeSpan retryAfter) => $"Slow down: try again in {retryAfter.TotalSeconds:0} seconds.";
    }

    /// <summary>An advisor that answers every question about the AI Architect, citing one section; can fail or take time.</summary>
    private sealed class ScriptedAdvisor : IAdvisor
    {
        public ConcurrentQueue<AdvisorQuestion> Asked { get; } = new();

        public Func<AdvisorQuestion, Exception>? Fail { get; set; }

        public Action? Delay { get; set; }

        public KnowledgeSnapshot Knowledge => TestKnowledge.Snapshot;

        /// <summary>What <see cref="AskStreamingAsync"/> yields before the final answer (text deltas).</summary>
        public IReadOnlyList<string> StreamDeltas { get; set; } = [];

        /// <summary>Throws after the deltas instead of giving the final answer.</summary>
        public bool FailMidStream { get; set; }

        public Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
        {
            Asked.Enqueue(question);
            if (Fail?.Invoke(question) is { } failure)
            {
                throw failure;
            }

            Delay?.Invoke();
            return Task.FromResult(new Answer
            {
                Text = "An AI Architect designs AI systems. [1]",
                Citations = [new Citation("Article", "What they do", "AI Architect", "article.md", "designs AI systems") { SectionId = "article.md#what-they-do" }],
                Roles = ["AI Architect"],
                KnowledgeVersion = "v1",
            });
        }

        public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var delta in StreamDeltas)
            {
                await Task.Yield();
                yield return new AnswerUpdate(delta);
            }

            if (FailMidStream)
            {
                throw new HttpRequestException("the model server went away");
            }

            yield return new AnswerUpdate("", await AskAsync(question, cancellationToken));
        }

        public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => throw new NotSupportedException();

        public IReadOnlyList<RoleInfo> Roles() => [];

        public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => [];

        public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    /// <summary>Records what the pipeline sends; delivers, refuses, throws or moves the conversation as told.</summary>
    private sealed class RecordingChannel : IReplyChannel
    {
        public List<TurnReply> Answers { get; } = [];

        public List<TurnNotice> Notices { get; } = [];

        public List<string> Events { get; } = [];

        public bool Deliver { get; init; } = true;

        public bool Throw { get; init; }

        public bool AnsweredBefore { get; init; }

        public string? MovesTo { get; init; }

        public Action<TurnReply>? OnAnswer { get; set; }

        public ReplyCapabilities Capabilities => ReplyCapabilities.None;

        public IAsyncDisposable ShowProgress(CancellationToken cancellationToken)
        {
            Events.Add("progress shown");
            return new Progress(Events);
        }

        public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(AnsweredBefore);

        public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
        {
            Events.Add("answer");
            Answers.Add(reply);
            OnAnswer?.Invoke(reply);
            if (Throw)
            {
                throw new HttpRequestException("connection reset");
            }

            return Task.FromResult(Deliver ? DeliveryResult.Sent("msg-1", MovesTo) : DeliveryResult.NotDelivered);
        }

        public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
        {
            Events.Add("notice");
            Notices.Add(notice);
            return Task.FromResult(DeliveryResult.Sent());
        }

        public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.NotDelivered);

        private sealed class Progress(List<string> events) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                events.Add("progress ended");
                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>A store that cannot be reached at all.</summary>
    private sealed class BrokenStore : IConversationStore
    {
        private static Exception Down => new IOException("the database is unreachable");

        public Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default) => throw Down;

        public Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default) => throw Down;

        public Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default) => throw Down;

        public Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default) => throw Down;

        public Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default) => throw Down;

        public Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default) => throw Down;

        public Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default) => throw Down;

        public Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => throw Down;

        public Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default) => throw Down;

        public Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default) => throw Down;

        public Task CompleteSendAsync(string name, CancellationToken cancellationToken = default) => throw Down;

        public Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default) => throw Down;

        public Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default) => throw Down;
    }

    /// <summary>A store that reads but refuses every write.</summary>
    private sealed class UnwritableStore(IConversationStore inner) : IConversationStore
    {
        public Task<IReadOnlyList<StoredTurn>> RecentTurnsAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.RecentTurnsAsync(conversationKey, cancellationToken);

        public Task<bool> KnowsAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.KnowsAsync(conversationKey, cancellationToken);

        public Task TouchAsync(string conversationKey, CancellationToken cancellationToken = default) => inner.TouchAsync(conversationKey, cancellationToken);

        public Task<TurnId> AppendTurnAsync(TurnRecord turn, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public Task<bool> RecordFeedbackAsync(TurnId turn, TurnFeedback feedback, CancellationToken cancellationToken = default) => inner.RecordFeedbackAsync(turn, feedback, cancellationToken);

        public Task<IReadOnlyList<QuestionLogEntry>> ReadLogAsync(QuestionLogQuery query, CancellationToken cancellationToken = default) => inner.ReadLogAsync(query, cancellationToken);

        public Task<ForgetResult> ForgetUserAsync(string userHash, CancellationToken cancellationToken = default) => inner.ForgetUserAsync(userHash, cancellationToken);

        public Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => inner.PurgeAsync(olderThan, cancellationToken);

        public Task<CitingConversations> FindLastCitingAsync(IReadOnlyCollection<string> sectionIds, string currentVersion, int limit, CancellationToken cancellationToken = default) =>
            inner.FindLastCitingAsync(sectionIds, currentVersion, limit, cancellationToken);

        public Task<SendClaim> ClaimSendAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public Task CompleteSendAsync(string name, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public Task ReleaseSendAsync(string name, string owner, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public Task<bool> WasSentAsync(string name, CancellationToken cancellationToken = default) => inner.WasSentAsync(name, cancellationToken);
    }

    /// <summary>A meter factory of the test's own, with a way to count one instrument's measurements.</summary>
    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public IDisposable Listen(string instrument, Action measured)
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (i, l) =>
                {
                    if (i.Name == instrument && _meters.Contains(i.Meter))
                    {
                        l.EnableMeasurementEvents(i);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((_, _, _, _) => measured());
            listener.Start();
            return listener;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    /// <summary>A channel that streams: records the deltas it showed and sends the final reply like any other.</summary>
    private sealed class StreamingChannel : IStreamingReplyChannel
    {
        private readonly RecordingChannel _inner = new();

        public List<string> Shown { get; } = [];

        public List<TurnReply> Answers => _inner.Answers;

        public List<TurnNotice> Notices => _inner.Notices;

        public bool Cleaned { get; private set; }

        public ReplyCapabilities Capabilities => ReplyCapabilities.Streaming;

        public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => _inner.ShowProgress(cancellationToken);

        public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken) => _inner.AnsweredBeforeAsync(cancellationToken);

        public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken) => _inner.SendAnswerAsync(reply, cancellationToken);

        public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken) => _inner.SendNoticeAsync(notice, cancellationToken);

        public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) => _inner.UpdateAsync(messageId, reply, cancellationToken);

        public async Task<(DeliveryResult Delivery, Answer? Final)> StreamAnswerAsync(TurnId turnId, IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, TurnReply> finish, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var update in updates.WithCancellation(cancellationToken))
                {
                    if (update.Final is { } final)
                    {
                        var reply = finish(final);
                        Assert.Equal(turnId, reply.TurnId);
                        return (await _inner.SendAnswerAsync(reply, cancellationToken), final);
                    }

                    Shown.Add(update.TextDelta);
                }
            }
            catch
            {
                Cleaned = true;
                throw;
            }

            return (DeliveryResult.NotDelivered, null);
        }
    }

    [Fact]
    public async Task The_reply_carries_follow_ups_drawn_from_the_knowledge()
    {
        var (pipeline, _) = Create();
        var channel = new RecordingChannel();

        await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        var reply = Assert.Single(channel.Answers);
        Assert.NotEmpty(reply.FollowUps);
        Assert.Contains(reply.FollowUps, f => f.Label.StartsWith("Compare with", StringComparison.Ordinal));
        Assert.True(reply.WantsFeedback);
    }

    [Fact]
    public async Task Feedback_is_kept_with_its_turn_the_last_click_wins_and_an_unknown_id_is_dropped()
    {
        var (pipeline, store) = Create();
        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), new RecordingChannel(), CancellationToken.None);
        var id = outcome.TurnId!.Value.ToString();

        Assert.Equal(FeedbackOutcome.Recorded, await pipeline.RecordFeedbackAsync("test", id, FeedbackRating.Up, null, CancellationToken.None));
        Assert.Equal(FeedbackOutcome.Recorded, await pipeline.RecordFeedbackAsync("test", id, FeedbackRating.Down, "  the tools part  ", CancellationToken.None));

        var entry = Assert.Single(await store.ReadLogAsync(new QuestionLogQuery()));
        Assert.Equal(FeedbackRating.Down, entry.Feedback?.Rating);
        Assert.Equal("the tools part", entry.Feedback?.Text);

        Assert.Equal(FeedbackOutcome.UnknownTurn, await pipeline.RecordFeedbackAsync("test", "not-an-id", FeedbackRating.Up, null, CancellationToken.None));
        Assert.Equal(FeedbackOutcome.UnknownTurn, await pipeline.RecordFeedbackAsync("test", TurnId.New(_time.GetUtcNow()).ToString(), FeedbackRating.Up, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_streaming_channel_shows_the_answer_as_it_is_written_and_the_turn_is_kept_once_the_final_message_is_out()
    {
        var (pipeline, store) = Create();
        _advisor.StreamDeltas = ["An AI Architect ", "designs AI systems."];
        var channel = new StreamingChannel();

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Answered, outcome.Status);
        Assert.Equal(["An AI Architect ", "designs AI systems."], channel.Shown);
        var reply = Assert.Single(channel.Answers);
        Assert.Equal(outcome.TurnId, reply.TurnId);
        Assert.NotEmpty(reply.FollowUps);
        Assert.Single(await store.ReadLogAsync(new QuestionLogQuery()));
    }

    [Fact]
    public async Task A_stream_that_fails_midway_becomes_the_apology_and_nothing_is_kept()
    {
        var (pipeline, store) = Create();
        _advisor.StreamDeltas = ["An AI Architect "];
        _advisor.FailMidStream = true;
        var channel = new StreamingChannel();

        var outcome = await pipeline.HandleAsync(Message("m1", "What does an AI Architect do?"), channel, CancellationToken.None);

        Assert.Equal(TurnStatus.Failed, outcome.Status);
        Assert.True(channel.Cleaned);
        Assert.Equal(TurnNotice.Apology, Assert.Single(channel.Notices));
        Assert.Empty(await store.ReadLogAsync(new QuestionLogQuery()));
    }
}
