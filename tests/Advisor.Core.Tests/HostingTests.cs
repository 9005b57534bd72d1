using Advisor.Core.Conversations;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Advisor.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Advisor.Core.Tests;

/// <summary>The pieces every platform shares for not losing, not doubling and not flooding: the gate, the queue, delivery, the rejection log.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task The_gate_waits_for_every_held_piece_of_work_and_closes_intake()
    {
        var gate = new QuestionGate();
        var accepted = gate.TryAccept();
        Assert.NotNull(accepted);
        var composing = gate.Hold();

        gate.Close();
        Assert.False(gate.Accepting);
        Assert.Null(gate.TryAccept());
        var lateButAccepted = gate.Hold(); // work accepted before the close still counts
        var drained = gate.WaitDrainedAsync(CancellationToken.None);

        composing.Dispose();
        accepted.Dispose();
        accepted.Dispose(); // twice is once
        Assert.False(drained.IsCompleted);
        Assert.Equal(1, gate.InFlight);
        lateButAccepted.Dispose();
        await drained.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task The_queue_is_bounded_in_all_and_per_key_and_one_slow_key_holds_one_worker()
    {
        await using var queue = new FairWorkQueue(workers: 2, capacity: 6, perKeyCapacity: 3, NullLogger.Instance);
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<string>();

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(queue.TryEnqueue("slow", _ => { started.TrySetResult(); return slow.Task; }));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(queue.TryEnqueue("slow", _ => { lock (ran) { ran.Add("slow-2"); } return Task.CompletedTask; }));
        Assert.True(queue.TryEnqueue("slow", _ => Task.CompletedTask));
        Assert.True(queue.TryEnqueue("slow", _ => Task.CompletedTask));
        Assert.False(queue.TryEnqueue("slow", _ => Task.CompletedTask)); // the key's share is full

        // The other worker serves other keys while "slow" is stuck, in turn.
        var other = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(queue.TryEnqueue("a", _ => { lock (ran) { ran.Add("a"); } return Task.CompletedTask; }));
        Assert.True(queue.TryEnqueue("b", _ => { lock (ran) { ran.Add("b"); } other.TrySetResult(); return Task.CompletedTask; }));
        await other.Task.WaitAsync(TimeSpan.FromSeconds(5));
        lock (ran)
        {
            Assert.Equal(["a", "b"], ran);
        }

        // In all: 4 waiting under "slow" + capacity 6.
        Assert.True(queue.TryEnqueue("c", _ => Task.CompletedTask));
        Assert.True(queue.TryEnqueue("d", _ => Task.CompletedTask));
        await Eventually.TrueAsync(() => queue.Count == 4, "c and d to run");
        Assert.True(queue.TryEnqueue("e", _ => slow.Task));
        Assert.True(queue.TryEnqueue("f", _ => slow.Task));
        Assert.False(queue.TryEnqueue("g", _ => Task.CompletedTask));

        slow.SetResult();
        Assert.True(await queue.DrainAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, queue.Count);
        Assert.Contains("slow-2", ran);
        Assert.False(queue.TryEnqueue("h", _ => Task.CompletedTask)); // draining: no more intake
    }

    [Fact]
    public async Task Draining_cancels_what_is_left_after_the_timeout()
    {
        await using var queue = new FairWorkQueue(workers: 1, capacity: 10, perKeyCapacity: 10, NullLogger.Instance);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.TryEnqueue("k", async ct =>
        {
            try
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        });
        var skipped = true;
        queue.TryEnqueue("k", _ => { skipped = false; return Task.CompletedTask; });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the drain's 200 ms count from here, not from a worker's start

        Assert.False(await queue.DrainAsync(TimeSpan.FromMilliseconds(200)));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => queue.Count == 0, "the queue to empty");
        Assert.True(skipped);
    }

    [Theory]
    [InlineData(new[] { SendResult.Delivered }, null, true, 1)]
    [InlineData(new[] { SendResult.NotDelivered, SendResult.Delivered }, null, true, 2)]
    [InlineData(new[] { SendResult.Unknown }, true, true, 1)] // it arrived after all: not sent again
    [InlineData(new[] { SendResult.Unknown, SendResult.Delivered }, false, true, 2)] // certainly not there: sent again
    [InlineData(new[] { SendResult.Unknown }, null, false, 1)] // cannot be told: not sent again (no double post)
    [InlineData(new[] { SendResult.NotDelivered, SendResult.NotDelivered, SendResult.NotDelivered }, null, false, 3)]
    public async Task Delivery_sends_again_only_what_certainly_did_not_arrive(SendResult[] outcomes, bool? arrived, bool delivered, int sends)
    {
        var time = new FakeTimeProvider();
        var sent = 0;
        var task = Delivery.DeliverAsync(
            (attempt, _) => Task.FromResult(outcomes[Interlocked.Increment(ref sent) - 1]),
            _ => Task.FromResult(arrived),
            new DeliveryOptions(Attempts: 3, Backoff: TimeSpan.FromSeconds(1)),
            time,
            NullLogger.Instance,
            "a test reply",
            CancellationToken.None);
        while (!task.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Equal(delivered, await task);
        Assert.Equal(sends, sent);
    }

    [Fact]
    public void Rejections_log_once_a_minute_per_endpoint_and_reason_then_a_count()
    {
        var time = new FakeTimeProvider();
        var logs = new ListLogger();
        var log = new RejectionLog(new Logger<RejectionLog>(new ListLoggerFactory(logs)), time);

        for (var i = 0; i < 1000; i++)
        {
            log.Rejected("/slack/events", "bad signature");
        }

        log.Rejected("/discord/interactions", "bad signature");
        Assert.Equal(2, logs.Lines.Count);
        time.Advance(TimeSpan.FromMinutes(1));
        log.Rejected("/slack/events", "bad signature");
        Assert.Contains(logs.Lines, l => l.Contains("Rejected 999 more requests to /slack/events (bad signature)", StringComparison.Ordinal));
        Assert.Equal(4, logs.Lines.Count);
    }

    [Fact]
    public void A_user_over_the_limit_is_told_once_until_they_may_ask_again()
    {
        var time = new FakeTimeProvider();
        var limiter = new UserRateLimiter(Options.Create(new ConversationOptions { QuestionsPerUserPerMinute = 10 }), time);
        var notices = 0;
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            if (!limiter.TryAcquire("u", out _, out var notify) && notify)
            {
                notices++;
            }
        }

        Assert.Equal(1, notices);
        time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 11; i++)
        {
            limiter.TryAcquire("u", out _, out var notify);
            Assert.Equal(i == 10, notify);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    private sealed class ListLoggerFactory(ListLogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
