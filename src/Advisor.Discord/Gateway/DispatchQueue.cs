using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Advisor.Discord.Gateway;

/// <summary>
/// Runs gateway dispatches off the receive loop on a fixed number of workers. Shutdown stops intake, lets queued and
/// running work finish within a bound, then cancels what is left.
/// </summary>
internal sealed partial class DispatchQueue : IAsyncDisposable
{
    private readonly Channel<(IGatewayDispatchHandler Handler, string Event, JsonElement Data)> _channel;
    private readonly CancellationTokenSource _work;
    private readonly Task[] _workers;
    private readonly ILogger _logger;

    /// <param name="abort">Cancels running work at once (the adapter stopped for good).</param>
    public DispatchQueue(int workers, int capacity, CancellationToken abort, ILogger logger)
    {
        _logger = logger;
        _work = CancellationTokenSource.CreateLinkedTokenSource(abort);
        _channel = Channel.CreateBounded<(IGatewayDispatchHandler, string, JsonElement)>(
            new BoundedChannelOptions(Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync, CancellationToken.None)).ToArray();
    }

    /// <summary>Queues one dispatch; waits while the queue is full.</summary>
    public ValueTask EnqueueAsync(IGatewayDispatchHandler handler, string eventName, JsonElement data, CancellationToken ct) =>
        _channel.Writer.WriteAsync((handler, eventName, data), ct);

    /// <summary>Stops intake and waits for the queued and running work, cancelling it after <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        _channel.Writer.TryComplete();
        var all = Task.WhenAll(_workers);
        if (await Task.WhenAny(all, Task.Delay(timeout)) != all)
        {
            Log.DrainTimedOut(_logger, timeout.TotalSeconds);
            await _work.CancelAsync();
            await all;
        }
    }

    private async Task WorkAsync()
    {
        var ct = _work.Token;
        await foreach (var (handler, name, data) in _channel.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (ct.IsCancellationRequested)
            {
                continue; // the drain timed out or the adapter stopped for good: what is still queued is skipped
            }

            try
            {
                await handler.HandleAsync(name, data, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // one failed dispatch must not stop the worker
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, name, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _work.CancelAsync();
        await Task.WhenAll(_workers);
        _work.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(212, LogLevel.Error, "Discord gateway: handling {Event} failed")]
        public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

        [LoggerMessage(214, LogLevel.Warning, "Discord gateway: dispatches still running {Seconds} s after shutdown began; cancelling them")]
        public static partial void DrainTimedOut(ILogger logger, double seconds);
    }
}
