using Advisor.Core;
using Advisor.Discord.Gateway;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord.Sharding;

/// <summary>Creates the gateway client of one shard, with the adapter's shared services.</summary>
internal sealed class GatewayClientFactory(
    GatewayBotSource gatewayBot,
    IdentifyPacer pacer,
    IWebSocketFactory sockets,
    IEnumerable<IGatewayDispatchHandler> handlers,
    DiscordIdentity identity,
    DiscordStatus status,
    IOptions<DiscordOptions> options,
    GatewaySettings settings,
    TimeProvider time,
    AdvisorMetrics metrics,
    ILogger<DiscordGatewayClient> logger)
{
    private readonly IReadOnlyList<IGatewayDispatchHandler> _handlers = handlers.ToArray();

    public DiscordGatewayClient Create(ShardContext shard) =>
        new(shard, gatewayBot, pacer, sockets, _handlers, identity, status, options, settings, time, metrics, logger);
}
