using System.Collections.Concurrent;
using Advisor.Core.Answers;
using Advisor.Core.Comparison;
using Advisor.Core.Conversations;
using Advisor.Core.Coordination;
using Advisor.Core.Hosting;
using Advisor.Core.Knowledge;
using Advisor.Core.Roles;
using Advisor.Core.Turns;
using Advisor.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>
/// Questions in flight on two replicas of one process's making: each a pipeline of its own (its replica id, its gate),
/// sharing one set of claims and one conversation store (what Redis and PostgreSQL are between processes), on a fake
/// clock. Replica A "dies" by its renewals no longer reaching the claims (and it never goes on); replica B's sweeper
/// takes over what A left.
/// </summary>
public sealed class InFlightTakeOverTests
{
    private static readonly InFlightOptions Leases = new() { LeaseMilliseconds = 3_000, SweepMilliseconds = 500, MaxTakeOvers = 2 };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryInFlightClaims _claims;
    private readonly InMemoryConversationStore _store;
    private readonly HeldAdvisor _advisor = new();
    private readonly TestFactory _factory = new();

    public InFlightTakeOverTests()
    {
        _claims = new InMemoryInFlightClaims(_time);
        _store = new InMemoryConversationStore(Options.Create(new ConversationOptions()), _time);
    }

    private sealed record Replica(TurnPipeline Pipeline, Cuttable Claims, QuestionGate Gate, InFlightSweeper Sweeper);

    private Replica Start(string name)
    {
        var options = Options.Create(new ConversationOptions());
        var claims = new Cuttable(_claims);
        var gate = new QuestionGate();
        var identity = new ReplicaIdentity(name);
        var pipeline = new TurnPipeline(_advisor, _store, new UserHasher(new byte[32]), new UserRateLimiter(options, _time), new AdvisorMetrics(), options, _time,
            NullLogger<TurnPipeline>.Instance, null, claims, identity, Options.Create(Leases), gate);
        var sweeper = new InFlightSweeper(claims, pipeline, [_factory], gate, identity, Options.Create(Leases), new ServiceCollection().BuildServiceProvider(), _time,
            NullLogger<InFlightSweeper>.Instance);
        return new Replica(pipeline, claims, gate, sweeper);
    }

    private IncomingMessage Message(string key, string text = "What does an AI Architect do?") => new()
    {
        Platform = "test",
        DedupeKey = key,
        ConversationKey = "test:C1:" + key,
        UserKey = "U1",
        Text = text,
        ReceivedAt = _time.GetUtcNow(),
    };

    /// <summary>Lets time pass in steps a third of a lease long (so a live replica's renewals keep up).</summary>
    private void Pass(TimeSpan span)
    {
        var step = Leases.Lease / 3;
        for (var passed = TimeSpan.Zero; passed < span; passed += step)
        {
            _time.Advance(step);
        }
    }

    [Fact]
    public async Task A_question_is_held_while_it_is_answered_and_released_once_delivered()
    {
        var a = Start("A");
        var channel = new TestChannel("k1");
        _advisor.Hold("What does an AI Architect do?");

        var answering = a.Pipeline.HandleAsync(Message("k1"), channel, CancellationToken.None);
        await _advisor.EnteredAsync("What does an AI Architect do?");

        var held = Assert.Single(_claims.Current);
        Assert.Equal(("test:k1", "test:k1", "k1", "message:test:k1"), (held.Id, "test:" + held.Message.DedupeKey, held.Target.Value("key"), held.Dedupe));
        Assert.StartsWith("A#", held.Owner, StringComparison.Ordinal);

        _advisor.Release("What does an AI Architect do?");
        Assert.Equal(TurnStatus.Answered, (await answering).Status);
        Assert.Empty(_claims.Current);
    }

    [Fact]
    public async Task A_refused_question_and_a_repeat_leave_no_claim()
    {
        var a = Start("A");
        var channel = new TestChannel("k1");

        Assert.Equal(TurnStatus.Refused, (await a.Pipeline.HandleAsync(Message("k1", text: "  "), channel, CancellationToken.None)).Status);
        Assert.Equal(TurnStatus.Answered, (await a.Pipeline.HandleAsync(Message("k2"), new TestChannel("k2"), CancellationToken.None)).Status);
        Assert.Equal(TurnStatus.Repeat, (await a.Pipeline.HandleAsync(Message("k2"), new TestChannel("k2"), a.Pipeline.BeginClaim(Message("k2"), new TestChannel("k2")), CancellationToken.None)).Status);

        Assert.Empty(_claims.Current);
    }

    [Fact]
    public async Task An_answer_cancelled_as_the_replica_stops_is_left_for_another_and_one_the_user_stopped_is_not()
    {
        var a = Start("A");
        _advisor.Hold("What does an AI Architect do?");
        using var stopping = new CancellationTokenSource();
        using var stopped = new CancellationTokenSource();

        var byShutdown = a.Pipeline.HandleAsync(Message("k1"), new TestChannel("k1"), stopping.Token);
        var byUser = a.Pipeline.HandleAsync(Message("k2"), new TestChannel("k2"), stopped.Token);
        await _advisor.EnteredAsync("What does an AI Architect do?", times: 2);
        await stopped.CancelAsync(); // the gate is open: a user's Stop
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => byUser);
        a.Gate.Close();
        await stopping.CancelAsync(); // the gate is closed: shutdown ran out of time
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => byShutdown);

        Assert.Equal("test:k1", Assert.Single(_claims.Current).Id);
    }

    [Fact]
    public async Task A_dead_replicas_question_is_finished_by_another_exactly_once()
    {
        var a = Start("A");
        var b = Start("B");
        _advisor.Hold("What does an AI Architect do?");
        var dying = a.Pipeline.HandleAsync(Message("k1"), new TestChannel("k1"), CancellationToken.None);
        await _advisor.EnteredAsync("What does an AI Architect do?");

        Pass(Leases.Lease * 2);
        Assert.Equal(0, await b.Sweeper.SweepAsync(CancellationToken.None)); // A renews: alive, nothing to take over

        a.Claims.Cut(); // A dies: its renewals stop, nothing is released (and its answer never goes on)
        _advisor.Unhold("What does an AI Architect do?"); // B's answer is not held
        Pass(Leases.Lease * 2);
        Assert.Equal(1, await b.Sweeper.SweepAsync(CancellationToken.None));

        var resumed = await _factory.ChannelAsync("k1");
        await Eventually.TrueAsync(() => _claims.Current.Count == 0, "the taken-over question to be done");
        Assert.Single(resumed.Answers);
        Assert.Equal("What does an AI Architect do?", resumed.Answers.Single().Question);
        Assert.Equal(1, b.Sweeper.TakenOver);
        Assert.Equal(0, await b.Sweeper.SweepAsync(CancellationToken.None));
        Assert.Single(await _store.RecentTurnsAsync("test:C1:k1")); // kept once, by B
        Assert.Equal(TurnStatus.Repeat, (await b.Pipeline.HandleAsync(Message("k1"), new TestChannel("k1"), CancellationToken.None)).Status); // a redelivery to B
        Assert.False(dying.IsCompleted || _factory.Rebuilt.Count != 1);
    }

    [Fact]
    public async Task A_question_the_dead_replica_had_answered_is_not_answered_again()
    {
        var a = Start("A");
        var b = Start("B");
        _factory.AnsweredBefore = true; // what the platform says when B looks
        _advisor.Hold("What does an AI Architect do?");
        _ = a.Pipeline.HandleAsync(Message("k1"), new TestChannel("k1"), CancellationToken.None);
        await _advisor.EnteredAsync("What does an AI Architect do?");
        a.Claims.Cut();
        Pass(Leases.Lease * 2);

        Assert.Equal(1, await b.Sweeper.SweepAsync(CancellationToken.None));

        var resumed = await _factory.ChannelAsync("k1");
        await Eventually.TrueAsync(() => _claims.Current.Count == 0, "the taken-over question to be done");
        Assert.Empty(resumed.Answers);
        Assert.Empty(resumed.Notices);
        Assert.Equal(1, resumed.Checked);
    }

    [Fact]
    public async Task A_replica_that_wakes_up_after_its_question_was_taken_over_does_not_reply()
    {
        var a = Start("A");
        var b = Start("B");
        _advisor.Hold("What does an AI Architect do?");
        var channelA = new TestChannel("k1");
        var paused = a.Pipeline.HandleAsync(Message("k1"), channelA, CancellationToken.None);
        await _advisor.EnteredAsync("What does an AI Architect do?");
        a.Claims.Cut(); // a long pause: A's renewals do not happen
        Pass(Leases.Lease * 2);
        _advisor.Unhold("What does an AI Architect do?");
        Assert.Equal(1, await b.Sweeper.SweepAsync(CancellationToken.None));
        await Eventually.TrueAsync(() => _claims.Current.Count == 0, "B to answer");

        a.Claims.Restore(); // A wakes up and finishes its answer
        _advisor.Release("What does an AI Architect do?");

        Assert.Equal(TurnStatus.Repeat, (await paused).Status);
        Assert.Empty(channelA.Answers);
        Assert.Single((await _factory.ChannelAsync("k1")).Answers);
    }

    [Fact]
    public async Task What_cannot_be_finished_is_dropped_and_another_platforms_question_is_left()
    {
        var b = Start("B");
        await Begin("late", _time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await Begin("other", null, platform: "elsewhere");
        await Begin("tired", null, takeOvers: Leases.MaxTakeOvers);
        await Begin("unreadable", null, kind: "unknown");
        Pass(Leases.Lease * 2);

        Assert.Equal(1, await b.Sweeper.SweepAsync(CancellationToken.None)); // only the unreadable one is taken (then given up)

        await Eventually.TrueAsync(() => _claims.Current.Count == 1, "what cannot be finished to be dropped");
        Assert.Equal("elsewhere:other", Assert.Single(_claims.Current).Id);
        Assert.Empty(_factory.Rebuilt);
    }

    [Fact]
    public void A_sweep_must_come_round_within_a_lease()
    {
        var validator = new InFlightOptionsValidator();
        Assert.True(validator.Validate(null, new InFlightOptions()).Succeeded);
        var failure = validator.Validate(null, new InFlightOptions { LeaseMilliseconds = 1_000, SweepMilliseconds = 1_000 });
        Assert.Equal("Advisor:InFlight:SweepMilliseconds (1000) must be less than Advisor:InFlight:LeaseMilliseconds (1000)", failure.FailureMessage);
    }

    private Task Begin(string key, DateTimeOffset? until, string platform = "test", int takeOvers = 0, string kind = "test") =>
        _claims.TryBeginAsync(new InFlightRecord
        {
            Id = platform + ":" + key,
            Message = Message(key) with { Platform = platform },
            Target = new ReplyTarget { Platform = platform, Kind = kind, Values = new Dictionary<string, string> { ["key"] = key }, Until = until },
            Owner = "dead#1",
            Replica = "dead",
            TakeOvers = takeOvers,
        }, Leases.Lease);

    /// <summary>The claims as one replica reaches them: cut, its calls fail as if it were gone (a dead or paused replica).</summary>
    private sealed class Cuttable(IInFlightClaims inner) : IInFlightClaims
    {
        private volatile bool _cut;

        public bool Shared => true;

        public bool Reachable => !_cut;

        public void Cut() => _cut = true;

        public void Restore() => _cut = false;

        public Task<ClaimBegin> TryBeginAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default) =>
            _cut ? Task.FromResult(ClaimBegin.NotRecorded) : inner.TryBeginAsync(record, lease, cancellationToken);

        public Task<bool?> RenewAsync(InFlightRecord record, TimeSpan lease, CancellationToken cancellationToken = default) =>
            _cut ? Task.FromResult<bool?>(null) : inner.RenewAsync(record, lease, cancellationToken);

        public Task CompleteAsync(InFlightRecord record, CancellationToken cancellationToken = default) =>
            _cut ? Task.CompletedTask : inner.CompleteAsync(record, cancellationToken);

        public Task ReleaseAsync(InFlightRecord record, CancellationToken cancellationToken = default) =>
            _cut ? Task.CompletedTask : inner.ReleaseAsync(record, cancellationToken);

        public Task<IReadOnlyList<string>> ExpiredAsync(int max, CancellationToken cancellationToken = default) =>
            _cut ? Task.FromResult<IReadOnlyList<string>>([]) : inner.ExpiredAsync(max, cancellationToken);

        public Task<InFlightRecord?> ReadAsync(string id, CancellationToken cancellationToken = default) => inner.ReadAsync(id, cancellationToken);

        public Task<InFlightRecord?> TryTakeOverAsync(InFlightRecord expired, string owner, string replica, TimeSpan lease, CancellationToken cancellationToken = default) =>
            inner.TryTakeOverAsync(expired, owner, replica, lease, cancellationToken);

        public Task DropAsync(InFlightRecord record, CancellationToken cancellationToken = default) => inner.DropAsync(record, cancellationToken);
    }

    /// <summary>A reply channel that can be rebuilt elsewhere (its target names its key) and records what it is sent.</summary>
    private sealed class TestChannel(string key, bool answeredBefore = false) : IReplyChannel
    {
        public ConcurrentQueue<TurnReply> Answers { get; } = new();

        public ConcurrentQueue<TurnNotice> Notices { get; } = new();

        public int Checked => Volatile.Read(ref _checked);

        private int _checked;

        public ReplyCapabilities Capabilities => ReplyCapabilities.None;

        public ReplyTarget Target => new() { Platform = "test", Kind = "test", Values = new Dictionary<string, string> { ["key"] = key } };

        public IAsyncDisposable ShowProgress(CancellationToken cancellationToken) => ReplyProgress.None;

        public ValueTask<bool> AnsweredBeforeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _checked);
            return ValueTask.FromResult(answeredBefore);
        }

        public Task<DeliveryResult> SendAnswerAsync(TurnReply reply, CancellationToken cancellationToken)
        {
            Answers.Enqueue(reply);
            return Task.FromResult(DeliveryResult.Sent("m1"));
        }

        public Task<DeliveryResult> SendNoticeAsync(TurnNotice notice, CancellationToken cancellationToken)
        {
            Notices.Enqueue(notice);
            return Task.FromResult(DeliveryResult.Sent());
        }

        public Task<DeliveryResult> UpdateAsync(string messageId, TurnReply reply, CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.NotDelivered);
    }

    /// <summary>The "test" platform's factory: rebuilds a <see cref="TestChannel"/> from a target of kind "test".</summary>
    private sealed class TestFactory : IReplyChannelFactory
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<TestChannel>> _channels = new(StringComparer.Ordinal);

        public bool AnsweredBefore { get; set; }

        public ConcurrentQueue<ReplyTarget> Rebuilt { get; } = new();

        public string Platform => "test";

        public Task<TestChannel> ChannelAsync(string key) => Slot(key).Task.WaitAsync(TimeSpan.FromSeconds(30));

        public async Task<bool> ResumeAsync(ReplyTarget target, Func<IReplyChannel, CancellationToken, Task> turn, CancellationToken cancellationToken)
        {
            if (target.Kind != "test" || target.Value("key") is not { } key)
            {
                return false;
            }

            Rebuilt.Enqueue(target);
            var channel = new TestChannel(key, AnsweredBefore);
            Slot(key).TrySetResult(channel);
            await turn(channel, cancellationToken);
            return true;
        }

        private TaskCompletionSource<TestChannel> Slot(string key) =>
            _channels.GetOrAdd(key, _ => new TaskCompletionSource<TestChannel>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>The scripted core: one answer for every question; a question held waits until the test releases it.</summary>
    private sealed class HeldAdvisor : IAdvisor
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _entered = new(StringComparer.Ordinal);

        public KnowledgeSnapshot Knowledge => TestKnowledge.Snapshot;

        /// <summary>Whoever asks <paramref name="question"/> from now on waits until <see cref="Release"/>.</summary>
        public void Hold(string question) => _held[question] = _gates[question] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets whoever waits on the question go on, and holds it no longer.</summary>
        public void Release(string question)
        {
            _held.TryRemove(question, out _);
            if (_gates.TryGetValue(question, out var gate))
            {
                gate.TrySetResult();
            }
        }

        /// <summary>Whoever asks it from now on is answered at once; whoever waits keeps waiting.</summary>
        public void Unhold(string question) => _held.TryRemove(question, out _);

        public Task EnteredAsync(string question, int times = 1) =>
            Eventually.TrueAsync(() => _entered.GetValueOrDefault(question) >= times, $"'{question}' to reach the advisor {times} time(s)");

        public async Task<Answer> AskAsync(AdvisorQuestion question, CancellationToken cancellationToken = default)
        {
            var held = _held.TryGetValue(question.Text, out var gate) ? gate : null;
            _entered.AddOrUpdate(question.Text, 1, (_, n) => n + 1);
            if (held is not null)
            {
                await held.Task.WaitAsync(cancellationToken);
            }

            return new Answer
            {
                Text = "An AI Architect designs AI systems. [1]",
                Citations = [new Citation("Article", "What they do", "AI Architect", "article.md", "designs AI systems") { SectionId = "article.md#what-they-do" }],
                Roles = ["AI Architect"],
                KnowledgeVersion = "v1",
            };
        }

        public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AdvisorQuestion question, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new AnswerUpdate("", await AskAsync(question, cancellationToken));
        }

        public CompareOutcome Compare(string roleA, string roleB, string? aspect = null) => throw new NotSupportedException();

        public IReadOnlyList<RoleInfo> Roles() => [];

        public IReadOnlyList<RoleInfo> SuggestRoles(string fragment, int max = 25) => [];

        public Task<ReloadReport> ReloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
