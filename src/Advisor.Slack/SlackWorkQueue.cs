using System.Collections.Concurrent;
using Advisor.Core.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Slack;

/// <summary>
/// The work done after an acknowledgement (answering an event, running a slash command), on the core's bounded
/// <see cref="FairWorkQueue"/>: keyed by channel, one item per channel at a time, channels in turn, at most
/// <see cref="SlackOptions.QueueCapacity"/> items in all and <see cref="SlackOptions.QueueCapacityPerChannel"/> per
/// channel. Each item carries its <see cref="QuestionGate"/> hold, released when the item ends (its reply delivered
/// or given up), so the host's shutdown waits for it.
/// </summary>
public sealed partial class SlackWorkQueue : IHostedService, IAsyncDisposable
{
    /// <summary>What someone whose question did not fit in the queue is told.</summary>
    public const string BusyText = "I'm busy right now, please ask again in a moment.";

    private readonly FairWorkQueue _queue;
    private readonly ConcurrentDictionary<Item, byte> _waiting = new();
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger<SlackWorkQueue> _logger;
    private int _disposed;

    public SlackWorkQueue(IOptions<SlackOptions> options, IOptions<HostOptions> hostOptions, ILogger<SlackWorkQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostOptions);
        var o = options.Value;
        _logger = logger;
        _shutdownTimeout = hostOptions.Value.ShutdownTimeout;
        _queue = new FairWorkQueue(o.Workers, o.QueueCapacity, o.QueueCapacityPerChannel, logger);
    }

    /// <summary>Items waiting or running.</summary>
    public int Count => _queue.Count;

    /// <summary>
    /// Queues work under a channel key; the hold is released when the work ends, or at once when the queue says no
    /// (full in all or for this channel, or draining). Never blocks.
    /// </summary>
    public bool TryEnqueue(string key, IDisposable hold, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(work);
        var item = new Item(hold);
        _waiting[item] = 0;
        var queued = _queue.TryEnqueue(key, async ct =>
        {
            try
            {
                await work(ct).ConfigureAwait(false);
            }
            finally
            {
                Release(item);
            }
        });
        if (!queued)
        {
            Release(item);
            Log.Full(_logger, key);
        }

        return queued;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Waits for the queued and running work (the host's drain has normally finished it already), until the host's
    /// shutdown timeout cancels the wait; then what is left is cancelled.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var drain = _queue.DrainAsync(_shutdownTimeout);
        try
        {
            await drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.StoppedWithWork(_logger, _queue.Count);

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

        await _queue.DisposeAsync().ConfigureAwait(false);

        // Work that was dropped without running still holds the gate: let it go.
        foreach (var item in _waiting.Keys)
        {
            Release(item);
        }
    }

    private void Release(Item item)
    {
        _waiting.TryRemove(item, out _);
        item.Hold.Dispose();
    }

    private sealed class Item(IDisposable hold)
    {
        public IDisposable Hold => hold;
    }

    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Debug, "Slack work queue full for {Key}; refused")]
        public static partial void Full(ILogger logger, string key);

        [LoggerMessage(1102, LogLevel.Warning, "Slack work queue stopped with {Count} items unfinished (the shutdown timeout passed)")]
        public static partial void StoppedWithWork(ILogger logger, int count);
    }
}
