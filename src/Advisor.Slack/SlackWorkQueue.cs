using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Advisor.Slack;

/// <summary>
/// Work done after the acknowledgement: the transports enqueue and return at once; a few workers run the items.
/// </summary>
public sealed partial class SlackWorkQueue(ILogger<SlackWorkQueue> logger) : BackgroundService
{
    private const int Workers = 4;
    private readonly Channel<(string Name, Func<CancellationToken, Task> Work)> _channel =
        Channel.CreateUnbounded<(string, Func<CancellationToken, Task>)>(new UnboundedChannelOptions { SingleReader = false });

    /// <summary>Queues work; never blocks.</summary>
    public void Enqueue(string name, Func<CancellationToken, Task> work) => _channel.Writer.TryWrite((name, work));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (name, work) in _channel.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await work(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // one failed item must not stop the worker
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.WorkFailed(logger, ex, name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Error, "Slack work item {Name} failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, string name);
    }
}
