using Microsoft.Extensions.Logging;

namespace Advisor.Core.Hosting;

/// <summary>
/// The bounded work queue between a platform's intake (which acknowledges at once) and the answering and posting.
/// Work is queued under a key — a channel or conversation — and:
/// <list type="bullet">
/// <item>the queue is bounded, in all and per key: when full, <see cref="TryEnqueue"/> says no and the adapter replies
/// "busy, please retry in a moment" (or lets the platform redeliver) instead of growing without limit;</item>
/// <item>one key's work runs one item at a time, in order, so a slow channel or a slow platform call holds one worker,
/// never all of them, and a conversation's answers keep their order;</item>
/// <item>keys take turns (round robin), so a busy channel does not starve a quiet one.</item>
/// </list>
/// </summary>
public sealed partial class FairWorkQueue : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<Func<CancellationToken, Task>>> _lanes = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task[] _workers;
    private readonly int _capacity;
    private readonly int _perKey;
    private readonly ILogger _logger;
    private int _count;
    private bool _closed;
    private int _disposed;

    /// <param name="workers">Items run at once (at most one per key).</param>
    /// <param name="capacity">Items waiting, in all.</param>
    /// <param name="perKeyCapacity">Items waiting under one key.</param>
    public FairWorkQueue(int workers, int capacity, int perKeyCapacity, ILogger logger)
    {
        _capacity = Math.Max(1, capacity);
        _perKey = Math.Max(1, perKeyCapacity);
        _logger = logger;
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync, CancellationToken.None)).ToArray();
    }

    /// <summary>Items waiting or running.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Queues work under a key; false when the queue or the key's share of it is full, or the queue is draining.</summary>
    public bool TryEnqueue(string key, Func<CancellationToken, Task> work)
    {
        lock (_lock)
        {
            if (_closed || _count >= _capacity)
            {
                return false;
            }

            if (!_lanes.TryGetValue(key, out var lane))
            {
                _lanes[key] = lane = new Queue<Func<CancellationToken, Task>>();
            }

            if (lane.Count >= _perKey)
            {
                return false;
            }

            lane.Enqueue(work);
            _count++;
            if (lane.Count == 1 && !_running.Contains(key))
            {
                _ready.Enqueue(key);
                _signal.Release();
            }

            return true;
        }
    }

    /// <summary>
    /// Takes no more work and waits for what is queued and running; after <paramref name="timeout"/> cancels the rest
    /// (work not yet started is then skipped). True when everything finished in time.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        lock (_lock)
        {
            _closed = true;
            if (_count == 0)
            {
                _idle.TrySetResult();
            }
        }

        var finished = await Task.WhenAny(_idle.Task, Task.Delay(timeout)).ConfigureAwait(false) == _idle.Task;
        if (!finished && Volatile.Read(ref _disposed) == 0)
        {
            Log.DrainTimedOut(_logger, Count, timeout.TotalSeconds);
            await _abort.CancelAsync().ConfigureAwait(false);
            lock (_lock)
            {
                // What has not started is dropped; what is running ends with the cancellation.
                _count -= _lanes.Values.Sum(l => l.Count);
                _lanes.Clear();
                _ready.Clear();
            }
        }

        return finished;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_lock)
        {
            _closed = true;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        _signal.Release(_workers.Length);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _abort.Dispose();
        _signal.Dispose();
    }

    private async Task WorkAsync()
    {
        var ct = _abort.Token;
        while (true)
        {
            try
            {
                await _signal.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            string key;
            Func<CancellationToken, Task> work;
            lock (_lock)
            {
                if (!_ready.TryDequeue(out key!))
                {
                    continue;
                }

                work = _lanes[key].Dequeue();
                _running.Add(key);
            }

            try
            {
                if (!ct.IsCancellationRequested)
                {
                    await work(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // one failed item must not stop the worker
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.WorkFailed(_logger, ex, key);
            }
            finally
            {
                lock (_lock)
                {
                    _running.Remove(key);
                    _count--;
                    // (A lane is gone when a drain that timed out dropped what was waiting.)
                    if (_lanes.TryGetValue(key, out var lane) && lane.Count > 0)
                    {
                        _ready.Enqueue(key); // the key's next item, after every other key waiting
                        _signal.Release();
                    }
                    else
                    {
                        _lanes.Remove(key);
                    }

                    if (_closed && _count == 0)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(80, LogLevel.Error, "A queued work item under {Key} failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, string key);

        [LoggerMessage(81, LogLevel.Warning, "{Count} queued work items still unfinished {Seconds} s after draining began; cancelling them")]
        public static partial void DrainTimedOut(ILogger logger, int count, double seconds);
    }
}
