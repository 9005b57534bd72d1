using Advisor.Core.Conversations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Storage;

/// <summary>
/// Deletes what is older than <see cref="DataOptions.RetentionDays"/> (and conversations gone idle): at start-up, then
/// once a day. A failed purge is logged and tried again the next day.
/// </summary>
internal sealed class RetentionService(IConversationStore store, IOptions<DataOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>How often the purge runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Runs one purge; the result, or null when it failed.</summary>
    public async Task<PurgeResult?> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        try
        {
            var result = await store.PurgeAsync(time.GetUtcNow() - TimeSpan.FromDays(days), cancellationToken).ConfigureAwait(false);
            Log.Purged(logger, days, result.LogEntries, result.Turns, result.Conversations);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PurgeFailed(logger, ex);
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let start-up go on
        while (!stoppingToken.IsCancellationRequested)
        {
            await PurgeOnceAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
