using System.Collections.Concurrent;
using Advisor.Core.Hosting;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>
/// The adapter's work after intake, shared by the gateway and the HTTP interactions endpoint: the core's
/// <see cref="FairWorkQueue"/> keyed by channel (bounded in all and per channel, one item per channel at a time,
/// channels in turn), so one slow or flooded channel never holds the others. Each item carries its
/// <see cref="QuestionGate"/> hold and gives it back when it ends — or when a drain that ran out of time drops it — so
/// the host's shutdown waits exactly for the work accepted.
/// <para>
/// Short notices (busy, slow down, restarting) do not queue behind the answers: they run beside the queue, at most
/// <see cref="MaxNotices"/> at once (more are skipped and logged).
/// </para>
/// </summary>
internal sealed partial class DiscordWorkQueue : IAsyncDisposable, IDisposable
{
    /// <summary>How the queue is named in the rejection log.</summary>
    public const string Name = "the Discord work queue";

    /// <summary>Notices posting at once, at most.</summary>
    public const int MaxNotices = 64;

    private readonly FairWorkQueue _queue;
    private readonly ConcurrentDictionary<long, IDisposable> _holds = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly GatewaySettings _settings;
    private readonly ILogger<DiscordWorkQueue> _logger;
    private readonly Lock _drainLock = new();
    private Task? _drain;
    private long _next;
    private int _notices;
    private int _disposed;

    public DiscordWorkQueue(IOptions<DiscordOptions> options, GatewaySettings settings, ILogger<DiscordWorkQueue> logger)
    {
        var o = options.Value;
        _settings = settings;
        _logger = logger;
        _queue = new FairWorkQueue(o.Workers, o.QueueCapacity, o.QueuePerChannel, logger);
    }

    /// <summary>Items waiting or running.</summary>
    public int Count => _queue.Count;

    /// <summary>
    /// Queues work under a key (a channel), holding <paramref name="hold"/> until it has run. False when the queue or
    /// the key's share is full, or the queue is draining: the caller still owns the hold then.
    /// </summary>
    public bool TryEnqueue(string key, IDisposable hold, Func<CancellationToken, Task> work)
    {
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
        }

        return queued;
    }

    /// <summary>
    /// Runs a short notice beside the queue, holding <paramref name="hold"/> until it is posted. False (and the hold
    /// released) when <see cref="MaxNotices"/> are already being posted.
    /// </summary>
    public bool TryNotice(IDisposable hold, Func<CancellationToken, Task> send)
    {
        if (Interlocked.Increment(ref _notices) > MaxNotices)
        {
            Interlocked.Decrement(ref _notices);
            hold.Dispose();
            Log.NoticeSkipped(_logger, MaxNotices);
            return false;
        }

        var id = Interlocked.Increment(ref _next);
        _holds[id] = hold;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await send(_abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // a failed notice must not go unobserved
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.NoticeFailed(_logger, ex);
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
    /// Takes no more work and waits for what is queued and running, at most <see cref="GatewaySettings.DrainTimeout"/>;
    /// then cancels the rest and gives back the holds of what never ran. Idempotent.
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
        if (!await _queue.DrainAsync(_settings.DrainTimeout).ConfigureAwait(false))
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            ReleaseAll();
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        await _queue.DisposeAsync().ConfigureAwait(false);
        ReleaseAll();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static partial class Log
    {
        [LoggerMessage(800, LogLevel.Debug, "Discord: {Max} notices are being posted already; this one is skipped")]
        public static partial void NoticeSkipped(ILogger logger, int max);

        [LoggerMessage(801, LogLevel.Error, "Discord: posting a notice failed")]
        public static partial void NoticeFailed(ILogger logger, Exception exception);
    }
}
