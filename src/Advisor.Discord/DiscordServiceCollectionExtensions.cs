using Advisor.Core;
using Advisor.Core.Hosting;
using Advisor.Core.Outbound;
using Advisor.Discord.Gateway;
using Advisor.Discord.Interactions;
using Advisor.Discord.Messages;
using Advisor.Discord.Rest;
using Advisor.Discord.Sharding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Advisor.Discord;

/// <summary>Registers the Discord adapter.</summary>
public static class DiscordServiceCollectionExtensions
{
    public const string HttpClientName = "discord";

    /// <summary>
    /// Adds the Discord adapter (gateway, REST client, slash commands, hosted service, readiness status) when the
    /// configuration has an "Advisor:Discord" section; otherwise adds nothing. Needs <c>AddAdvisorCore</c> (its
    /// TurnPipeline, QuestionGate, RejectionLog, AdvisorMetrics, and the ILeaseStore and ReplicaIdentity shards are claimed with).
    /// </summary>
    public static IServiceCollection AddDiscordAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        if (!DiscordOptions.IsConfigured(configuration))
        {
            return services;
        }

        services.AddOptions<DiscordOptions>()
            .Bind(configuration.GetSection(DiscordOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // No request logging: interaction webhook paths carry the interaction token (a secret for 15 minutes).
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.TryAddSingleton<DiscordStatus>();
        services.AddSingleton<IPlatformStatus>(sp => sp.GetRequiredService<DiscordStatus>());
        services.TryAddSingleton<GatewaySettings>();
        services.TryAddSingleton<DiscordIdentity>();
        services.TryAddSingleton<IWebSocketFactory, ClientWebSocketFactory>();
        services.TryAddSingleton(sp => new DiscordRestClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<DiscordStatus>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AdvisorMetrics>(),
            sp.GetRequiredService<ILogger<DiscordRestClient>>()));
        services.TryAddSingleton<DiscordDelivery>();
        // Shared by the gateway and the HTTP interactions endpoint; drained by the bot service once the gateway has closed.
        services.TryAddKeyedSingleton(DiscordPlatform.PlatformName, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new PlatformWorkQueue(DiscordPlatform.PlatformName, o.Workers, o.QueueCapacity, o.QueuePerChannel,
                sp.GetRequiredService<GatewaySettings>().DrainTimeout, sp.GetRequiredService<ILogger<PlatformWorkQueue>>());
        });
        services.AddSingleton<IDiscordCommandModule, AskModule>();
        services.AddSingleton<IDiscordCommandModule, CompareModule>();
        services.AddSingleton<IDiscordCommandModule, RolesModule>();
        services.AddSingleton<IDiscordCommandModule, ReloadModule>();
        services.AddSingleton<IDiscordCommandModule, GapsModule>();
        services.TryAddSingleton(sp => StreamingSettings.From(sp.GetRequiredService<IOptions<DiscordOptions>>().Value, configuration));
        services.TryAddSingleton<ComponentHandler>();
        services.TryAddSingleton<MessageCreateHandler>();
        services.TryAddSingleton<InteractionHandler>();
        services.TryAddSingleton(sp => Ed25519Verifier.FromHex(sp.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey));
        services.AddSingleton<IGatewayDispatchHandler>(sp => sp.GetRequiredService<MessageCreateHandler>());
        services.AddSingleton<IGatewayDispatchHandler>(sp => sp.GetRequiredService<InteractionHandler>());
        // Shards: claimed through the core's lease store (in memory by default; shared when Redis is configured).
        services.TryAddSingleton<ShardSchedule>();
        services.TryAddSingleton<GatewayBotSource>();
        services.TryAddSingleton<IdentifyPacer>();
        services.TryAddSingleton<GatewayClientFactory>();
        services.TryAddSingleton<ShardCoordinator>();
        services.TryAddSingleton<CommandRegistrar>();

        // Another replica finishes a Discord answer this one began and could not (docs/replicas.md).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Advisor.Core.Coordination.IReplyChannelFactory, DiscordReplyChannelFactory>());
        services.AddHostedService<DiscordBotService>();

        // What the core sends on its own (both off by default): the weekly digest and the notices after a reload.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDigestSender, DiscordDigestSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReloadNoticeSender, DiscordReloadNoticeSender>());
        return services;
    }
}
