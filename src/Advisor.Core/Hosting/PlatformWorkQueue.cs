using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Advisor.Core.Hosting;

/// <summary>
/// A platform adapter's work after intake (answering a message, running a command), the same for every platform: the
/// core's <see cref="FairWorkQueue"/> keyed by channel — bounded in all and per channel, one item per channel at a
/// time, channels in turn — where each item carries its <see cref="QuestionGate"/> hold and gives it back when it ends,
/// or when a drain that ran out of time drops it, so the host's shutdown waits exactly for the work accepted.
/// <para>
/// Short notices (busy, slow down, restarting) do not queue behind answers: <see cref="TryNotice"/> runs them beside
/// the queue, at most <see cref="MaxNotices"/> at once (more are skipped and logged).
/// </para>
/// As a hosted service it drains when the host stops (after the host's own drain of the gate has normally finished the
/// work) and is then disposed; an adapter that closes its connection first may call <see cref="DrainAsync"/> itself.
/// </summary>
public sealed partial class PlatformWorkQueue : IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>Notices posting at once, at most.</summary>
    public const int MaxNotices = 64;

    private readonly FairWorkQueue _queue;
    private readonly ConcurrentDictionary<long, IDisposable> _holds = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TimeSpan _drainTimeout;
    private readonly ILogger _logger;
    private readonly Lock _drainLock = new();
    private Task? _drain;
    private long _next;
    private int _notices;
    private int _disposed;

    /// <param name="name">The platform's name, for logs.</param>
    /// <param name="workers">Items run at once (at most one per channel).</param>
    /// <param name="capacity">Items waiting or running, in all.</param>
    /// <param name="perKeyCapacity">Items waiting under one key (channel).</param>
    /// <param name="drainTimeout">How long <see cref="DrainAsync"/> waits for the work before cancelling what is left.</param>
    /// <param name="logger">Where failures and drains are logged.</param>
    public PlatformWorkQueue(string name, int workers, int capacity, int perKeyCapacity, TimeSpan drainTimeout, ILogger logger)
    {
        Name = name;
        _drainTimeout = drainTimeout;
        _logger = logger;
        _queue = new FairWorkQueue(workers, capacity, perKeyCapacity, logger);
    }

    /// <summary>The platform whose work this is.</summary>
    public string Name { get; }

    /// <summary>Items waiting or running.</summary>
    public int Count => _queue.Count;

    /// <summary>
    /// Queues work under a key (a channel), holding <paramref name="hold"/> until it has run. Never blocks. False when
    /// the queue or the key's share of it is full, or the queue is draining: the caller still owns the hold then (to
    /// release it, or to hold a notice with it).
    /// </summary>
    public bool TryEnqueue(string key, IDisposable hold, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(work);
        var id = Interlocked.Increment(ref _next);
        _holds[id] = hold;
        var queued = _queue.TryEnqueue(key, async ct =>
        {
            try
            {
                await work(ct).ConfigureAwait(false);
            }
            finally
            {
                Release(id);
            }
        });
        if (!queued)
        {
            _holds.TryRemove(id, out _);
            Log.Full(_logger, Name, key);
        }

        return queued;
    }

    /// <summary>
    /// Runs a short notice beside the queue, holding <paramref name="hold"/> until it is sent. False (and the hold
    /// released) when <see cref="MaxNotices"/> are being sent already or the queue is disposed.
    /// </summary>
    public bool TryNotice(IDisposable hold, Func<CancellationToken, Task> send)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(send);
        if (Volatile.Read(ref _disposed) != 0)
        {
            hold.Dispose();
            return false;
        }

        if (Interlocked.Increment(ref _notices) > MaxNotices)
        {
            Interlocked.Decrement(ref _notices);
            hold.Dispose();
            Log.NoticeSkipped(_logger, Name, MaxNotices);
            return false;
        }

        var id = Interlocked.Increment(ref _next);
        _holds[id] = hold;
        var token = _abort.Token;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await send(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // a failed notice must not go unobserved
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.NoticeFailed(_logger, ex, Name);
                }
                finally
                {
                    Interlocked.Decrement(ref _notices);
                    Release(id);
                }
            },
            CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Takes no more work and waits for what is queued and running, at most the drain timeout; then cancels the rest
    /// and gives back the holds of what never ran. Idempotent.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_drainLock)
        {
            return _drain ??= DrainOnceAsync();
        }
    }

    private async Task DrainOnceAsync()
    {
        if (!await _queue.DrainAsync(_drainTimeout).ConfigureAwait(false) && Volatile.Read(ref _disposed) == 0)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            ReleaseAll();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drains (until the host's shutdown timeout cancels the wait), then disposes: what is left is cancelled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var drain = DrainAsync();
        try
        {
            await drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.StoppedWithWork(_logger, Name, Count);

            // The drain's own deadline may end after the queue is disposed below; its outcome no longer matters.
            _ = drain.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        await _queue.DisposeAsync().ConfigureAwait(false);

        // Work dropped without running still holds the gate: let it go.
        ReleaseAll();
    }

    /// <summary>For a container disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Release(long id)
    {
        if (_holds.TryRemove(id, out var hold))
        {
            hold.Dispose();
        }
    }

    private void ReleaseAll()
    {
        foreach (var id in _holds.Keys)
        {
            Release(id);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(82, LogLevel.Debug, "The {Platform} work queue is full for {Key}; refused")]
        public static partial void Full(ILogger logger, string platform, string key);

        [LoggerMessage(83, LogLevel.Debug, "{Platform}: {Max} notices are being sent already; this one is skipped")]
        public static partial void NoticeSkipped(ILogger logger, string platform, int max);

        [LoggerMessage(84, LogLevel.Error, "{Platform}: sending a notice failed")]
        public static partial void NoticeFailed(ILogger logger, Exception exception, string platform);

        [LoggerMessage(85, LogLevel.Warning, "The {Platform} work queue stopped with {Count} items unfinished (the shutdown timeout passed)")]
        public static partial void StoppedWithWork(ILogger logger, string platform, int count);
    }
}
