using Advisor.Core.Hosting;
using Advisor.Discord.Gateway;
using Advisor.Discord.Interactions;
using Advisor.Discord.Rest;
using Advisor.Discord.Sharding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>
/// The Discord connection as a hosted service: registers the commands, then runs the gateway shards this replica
/// claims (unless interactions-only). On stop, the work queue (shared with the HTTP interactions endpoint) is drained
/// after the shards have closed. When other replicas are live, the shards are handed over as soon as the host begins
/// stopping (<see cref="StoppingAsync"/>), so they answer the shards' new events while this replica drains.
/// </summary>
internal sealed partial class DiscordBotService(
    CommandRegistrar registrar,
    ShardCoordinator shards,
    [FromKeyedServices(DiscordPlatform.PlatformName)] PlatformWorkQueue work,
    DiscordStatus status,
    IOptions<DiscordOptions> options,
    ILogger<DiscordBotService> logger) : BackgroundService, IHostedLifecycleService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await registrar.EnsureAsync(stoppingToken);
        }
        catch (DiscordUnauthorizedException)
        {
            return;
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException)
        {
            Log.RegistrationFailed(logger, ex.Message);
        }
        catch (OperationCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A timeout, not shutdown: the host (and Slack with it) must keep running.
            Log.RegistrationFailed(logger, "timed out: " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!options.Value.UseGateway)
        {
            Log.InteractionsOnly(logger);
            status.Set(true, "interactions-only (no gateway)");
            return;
        }

        await shards.RunAsync(stoppingToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The host begins stopping: hand the shards over now when another replica is live to take them.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        options.Value.UseGateway ? shards.HandOverIfOthersLiveAsync().WaitAsync(cancellationToken) : Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await work.DrainAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Log.DrainCut(logger, work.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(700, LogLevel.Error, "Discord slash command registration failed ({Error}); the commands Discord already has stay in place")]
        public static partial void RegistrationFailed(ILogger logger, string error);

        [LoggerMessage(702, LogLevel.Warning, "Discord: the host's shutdown timeout ended while {Count} queued items were unfinished")]
        public static partial void DrainCut(ILogger logger, int count);

        [LoggerMessage(701, LogLevel.Information, "Discord: Advisor:Discord:UseGateway is false; serving interactions over HTTP only (no mentions or DMs)")]
        public static partial void InteractionsOnly(ILogger logger);
    }
}
